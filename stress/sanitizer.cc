#include "stress/sanitizer.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DWH_STRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DWH_STRESS_SANITIZER 1
#endif
#ifdef DWH_STRESS_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

// The callbacks run inside the sanitizer's report or death path, on whichever
// thread reported: they allocate nothing, take no lock and call no intercepted
// function (raw system calls only). This file is built without TSan
// instrumentation for the same reason (stress/CMakeLists.txt).
namespace stress {
namespace {

constexpr size_t kPathMax = 4096;

struct Keep {
  char current[kPathMax] = {};
  char keep[kPathMax] = {};
  size_t current_len = 0;
  size_t keep_len = 0;
  int kept = 0;  // this run's program was kept already
  uint64_t reports = 0;
};
Keep g_keep;

void write_stderr(const char* s, size_t n) {
  while (n > 0) {
    const long w = syscall(SYS_write, 2, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

template <size_t N>
void write_literal(const char (&s)[N]) {
  write_stderr(s, N - 1);
}

bool copy_path(char (&dst)[kPathMax], const std::string& src) {
  if (src.size() >= kPathMax) return false;
  for (size_t i = 0; i < src.size(); i++) dst[i] = src[i];
  dst[src.size()] = '\0';
  return true;
}

void keep_current_program() {
  if (!g_keep.current[0] || __atomic_exchange_n(&g_keep.kept, 1, __ATOMIC_RELAXED)) return;
  syscall(SYS_unlinkat, AT_FDCWD, g_keep.keep, 0);
  if (syscall(SYS_linkat, AT_FDCWD, g_keep.current, AT_FDCWD, g_keep.keep, 0) != 0) {
    write_literal("==DAMON-STRESS== sanitizer report; could not keep the run's program, see ");
    write_stderr(g_keep.current, g_keep.current_len);
    write_literal("\n");
    return;
  }
  write_literal(
      "==DAMON-STRESS== sanitizer report: the program of the run in progress is kept in ");
  write_stderr(g_keep.keep, g_keep.keep_len);
  write_literal("\n");
}

#ifdef DWH_STRESS_SANITIZER
void on_sanitizer_death() {
  keep_current_program();
}
#endif

}  // namespace

void install_sanitizer_hooks() {
#ifdef DWH_STRESS_SANITIZER
  __sanitizer_set_death_callback(on_sanitizer_death);
#endif
}

void arm_sanitizer_keep(const std::string& current, const std::string& keep) {
  __atomic_store_n(&g_keep.kept, 1, __ATOMIC_RELAXED);  // no keeping while the paths change
  if (!copy_path(g_keep.current, current) || !copy_path(g_keep.keep, keep)) return;
  g_keep.current_len = current.size();
  g_keep.keep_len = keep.size();
  __atomic_store_n(&g_keep.kept, 0, __ATOMIC_RELEASE);
}

uint64_t sanitizer_reports() {
  return __atomic_load_n(&g_keep.reports, __ATOMIC_RELAXED);
}

}  // namespace stress

// Replaces sanitizer_common's weak default, which prints the line; called once
// per report, also when the process goes on (halt_on_error=0).
extern "C" void __sanitizer_report_error_summary(const char* summary) {
  size_t n = 0;
  while (summary[n] != '\0') n++;
  stress::write_stderr(summary, n);
  stress::write_literal("\n");
  __atomic_fetch_add(&stress::g_keep.reports, 1, __ATOMIC_RELAXED);
  stress::keep_current_program();
}
