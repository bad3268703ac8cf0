#include "stress/stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string_view>

namespace stress {
namespace {

// Ops whose value is a kernel return code; is_running returns a bool and
// sleep/fault are harness actions.
bool returns_errno(std::string_view op) {
  return op.rfind("is_running", 0) != 0 && op.rfind("sleep", 0) != 0 && op.rfind("fault", 0) != 0;
}

void raise_max(std::atomic<uint64_t>& m, uint64_t v) {
  uint64_t cur = m.load(std::memory_order_relaxed);
  while (v > cur && !m.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace

CallBucket bucket_of(int ret) {
  switch (ret) {
    case 0:
      return kRetZero;
    case -EBUSY:
      return kRetEbusy;
    case -EINVAL:
      return kRetEinval;
    case -ECANCELED:
      return kRetEcanceled;
    default:
      return kRetOther;
  }
}

WaitView wait_view() {
  const rt::WatchdogGauge& g = rt::watchdog_gauge();
  WaitView v;
  v.current_ns = g.current_wait_ns.load(std::memory_order_relaxed);
  v.longest_ns = g.longest_wait_ns.load(std::memory_order_relaxed);
  if (const rt::Site* site = g.longest_wait_site.load(std::memory_order_relaxed))
    v.longest_site = rt::site_text(site);
  v.longest_poll_gap_ns = g.longest_poll_gap_ns.load(std::memory_order_relaxed);
  return v;
}

uint64_t resident_kib() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

uint64_t peak_resident_kib() {
  struct rusage ru = {};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return static_cast<uint64_t>(ru.ru_maxrss);  // KiB on Linux
}

uint64_t Stats::now_ns() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
          .count());
}

uint64_t Stats::current_wait_ns() const {
  const uint64_t start = run_start_ns.load(std::memory_order_relaxed);
  const uint64_t now = now_ns();
  return start && now > start ? now - start : 0;
}

void Stats::begin_run() {
  run_start_ns.store(now_ns() | 1, std::memory_order_relaxed);
}

void Stats::end_run(const program::Outcome& o) {
  const uint64_t took = current_wait_ns();
  run_start_ns.store(0, std::memory_order_relaxed);
  raise_max(max_run_ns, took);
  total_run_ns.fetch_add(took, std::memory_order_relaxed);
  runs.fetch_add(1, std::memory_order_relaxed);
  verdicts[static_cast<int>(o.verdict)].fetch_add(1, std::memory_order_relaxed);
  for (const program::OpResult& r : o.results) {
    if (!r.returned) continue;
    ops.fetch_add(1, std::memory_order_relaxed);
    if (returns_errno(r.op)) calls[bucket_of(r.ret)].fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace stress
