// The os runtime's watchdog: a wait that has made no progress for the timeout is
// a hang. The report names every waiting thread, what it waits on, since when,
// and its recent scheduling points; then the process aborts with a distinct
// banner so a fuzzer keeps the input (libFuzzer's own -timeout shows only one
// stack and can miss hangs on other threads).
#include <cstdio>
#include <cstdlib>

#include "harness/runtime/invisible.h"
#include "harness/runtime/os.h"

namespace rt {

bool OsExecution::check_watchdog(uint64_t now) {
  const int n = nslots_.load(std::memory_order_relaxed);
  bool stuck = false;
  for (int i = 0; i < n && !stuck; i++) {
    const Slot& s = slots_[i];
    if (!s.ready.load(std::memory_order_acquire) || s.finished.load()) continue;
    if (s.wait.load(std::memory_order_relaxed) == kNone) continue;
    stuck = now - s.wait_since.load(std::memory_order_relaxed) > watchdog_ns_;
  }
  if (!stuck) return false;
  Finding f = hang_report(now);
  std::fprintf(stderr, "==DAMON-HARNESS== WATCHDOG: hang detected: %s\n%s", f.message.c_str(),
               f.detail.c_str());
  {
    Invisible inv;
    std::lock_guard<std::mutex> g(findings_mu_);
    findings_.insert(findings_.begin(), f);
  }
  if (g_hang_hook_fn()) g_hang_hook_fn()(f, g_hang_hook_arg());
  std::fflush(stderr);
  if (opts_.watchdog_abort) {
    std::fprintf(stderr, "==DAMON-HARNESS== ABORTING after watchdog hang\n");
    std::abort();
  }
  hung_.store(true);
  return true;
}

Finding OsExecution::hang_report(uint64_t now) const {
  Invisible inv;  // the threads are stuck; their records are read without sync
  Finding f;
  f.verdict = Verdict::kWatchdogHang;
  const int n = nslots_.load(std::memory_order_relaxed);
  for (int i = 0; i < n; i++) {
    const Slot& s = slots_[i];
    if (!s.ready.load(std::memory_order_acquire) || s.finished.load()) continue;
    const uint8_t w = s.wait.load(std::memory_order_relaxed);
    if (w == kNone) continue;
    BlockedThread b;
    b.tid = i;
    b.thread = s.name;
    const void* obj = s.wait_obj.load(std::memory_order_relaxed);
    if (w == kMutex) {
      const auto* m = static_cast<const Mutex*>(obj);
      b.holder = m->owner();
      b.waits_on = std::string("mutex ") + m->name() +
                   (b.holder >= 0 ? " held by " + slots_[b.holder].name : std::string());
    } else if (w == kEvent) {
      const auto* e = static_cast<const Event*>(obj);
      b.waits_on = std::string("completion ") + (e->label().empty() ? e->name() : e->label());
    } else {
      b.waits_on = "exit of " + static_cast<const Slot*>(obj)->name;
    }
    b.wait_site = site_text(s.wait_site.load(std::memory_order_relaxed));
    b.stack = stack_of(i);
    const uint64_t since = s.wait_since.load(std::memory_order_relaxed);
    const unsigned nr = s.nrecent.load(std::memory_order_relaxed);
    for (unsigned k = nr > kRecent ? nr - kRecent : 0; k < nr; k++) {
      b.recent.push_back(site_text(s.recent[k % kRecent].load(std::memory_order_relaxed)));
    }
    f.detail += "  " + b.thread + ": waits for " + b.waits_on + " at " + b.wait_site + " for " +
                std::to_string((now - since) / 1000000) + " ms\n    stack: " + b.stack +
                "\n    recent:";
    for (const std::string& r : b.recent) f.detail += " " + r;
    f.detail += "\n";
    if (f.tid < 0 && s.kind == ThreadKind::kClient) {
      f.tid = i;
      f.site = b.wait_site;
      f.message = b.thread + " waits for " + b.waits_on + " in " + b.wait_site + " for more than " +
                  std::to_string(watchdog_ns_ / 1000000) + " ms";
    }
    f.blocked.push_back(std::move(b));
  }
  if (f.message.empty()) f.message = "a wait made no progress for the watchdog timeout";
  return f;
}

}  // namespace rt
