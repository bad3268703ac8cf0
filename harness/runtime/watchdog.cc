// The os runtime's watchdog: a wait that has made no progress for the timeout
// is a hang. The report names every waiting thread, what it waits on, since
// when, and its recent scheduling points; then the process aborts with a
// distinct banner so a fuzzer keeps the input (libFuzzer's own -timeout shows
// only one stack and can miss hangs on other threads).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "harness/runtime/invisible.h"
#include "harness/runtime/os.h"

namespace rt {

namespace {

void raise_max(std::atomic<uint64_t>& m, uint64_t v) {
  uint64_t cur = m.load(std::memory_order_relaxed);
  while (v > cur && !m.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

// A wait that began after `now` was read is not late: without this the
// unsigned difference wraps and a fresh wait looks endless.
uint64_t age_at(uint64_t now, uint64_t since) {
  return now > since ? now - since : 0;
}

}  // namespace

WatchdogGauge& watchdog_gauge() {
  static WatchdogGauge g;
  return g;
}

void OsExecution::track_wait(int i, uint64_t since, uint64_t age, const Site* site) {
  if (seen_since_[i] && seen_since_[i] != since) {
    WatchdogGauge& g = watchdog_gauge();
    if (seen_age_[i] > g.longest_wait_ns.load(std::memory_order_relaxed)) {
      g.longest_wait_ns.store(seen_age_[i], std::memory_order_relaxed);
      g.longest_wait_site.store(seen_site_[i], std::memory_order_relaxed);
    }
  }
  seen_since_[i] = since;
  seen_age_[i] = age;
  seen_site_[i] = site;
}

bool OsExecution::check_watchdog(uint64_t now) {
  const int n = nslots_.load(std::memory_order_relaxed);
  uint64_t longest = 0;
  for (int i = 0; i < n; i++) {
    const ThreadSlot* p = slots_.get(i);
    if (!p) continue;
    const ThreadSlot& s = *p;
    const bool waiting = s.ready.load(std::memory_order_acquire) && !s.finished.load() &&
                         s.wait.load(std::memory_order_relaxed) != kNone;
    const uint64_t since = waiting ? s.wait_since.load(std::memory_order_relaxed) : 0;
    const uint64_t age = waiting ? age_at(now, since) : 0;
    track_wait(i, since, age, waiting ? s.wait_site.load(std::memory_order_relaxed) : nullptr);
    longest = std::max(longest, age);
  }
  watchdog_gauge().current_wait_ns.store(longest, std::memory_order_relaxed);
  if (longest <= watchdog_ns_) return false;
  // The report's ages are taken now, after the poll: they include any delay of
  // the monitor itself.
  Finding f = hang_report(real_ns());
  if (!after_caller_contract(f)) publish_hang(std::move(f), "hang detected", "watchdog hang");
  return true;
}

bool OsExecution::quiet_poll(uint64_t* sig) const {
  Invisible inv;  // racy reads of the threads' records and of what they wait on
  uint64_t h = 0x9e3779b97f4a7c15ull;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 0xbf58476d1ce4e5b9ull; };
  bool waits = false;
  const int n = nslots_.load(std::memory_order_acquire);
  for (int i = 0; i < n; i++) {
    const ThreadSlot* p = slots_.get(i);
    if (!p || !p->ready.load(std::memory_order_acquire)) return false;  // a spawn in progress
    const ThreadSlot& s = *p;
    mix(static_cast<uint64_t>(i));
    if (s.finished.load()) {
      mix(1);
      continue;
    }
    if (!s.started.load()) {
      if (s.kind == ThreadKind::kTeardown) continue;  // check_deadlock() starts it
      return false;
    }
    const uint8_t w = s.wait.load(std::memory_order_relaxed);
    const void* obj = s.wait_obj.load(std::memory_order_relaxed);
    // A waiter whose condition already holds has been (or is about to be)
    // woken, even if it has not run since.
    switch (w) {
      case kMutex:
        if (static_cast<const Mutex*>(obj)->owner() < 0) return false;
        break;
      case kEvent:
        if (__atomic_load_n(&static_cast<const Event*>(obj)->done_, __ATOMIC_RELAXED) != 0)
          return false;
        break;
      case kJoin:
        if (static_cast<const ThreadSlot*>(obj)->finished.load()) return false;
        break;
      default:  // runs, or sleeps with a timeout
        return false;
    }
    waits = true;
    mix(w);
    mix(s.wait_since.load(std::memory_order_relaxed));
    mix(s.nrecent.load(std::memory_order_relaxed));
  }
  *sig = h;
  return waits;
}

bool OsExecution::check_deadlock(uint64_t now, int teardown) {
  if (!opts_.detect_deadlock) return false;
  uint64_t sig = 0;
  if (!quiet_poll(&sig)) {
    quiet_polls_ = 0;
    return false;
  }
  if (quiet_polls_ == 0 || sig != quiet_sig_) {
    quiet_sig_ = sig;
    quiet_polls_ = 1;
    return false;
  }
  if (++quiet_polls_ < 3) return false;
  quiet_polls_ = 0;
  if (teardown >= 0 && !slots_[teardown].started.load()) {
    start(teardown);  // it may end the waits (a stop cancels them); look again
    return false;
  }
  Finding f = hang_report(now, true);
  if (!after_caller_contract(f)) publish_hang(std::move(f), "deadlock detected", "deadlock");
  return true;
}

void OsExecution::publish_hang(Finding f, const char* what, const char* abort_reason) {
  std::fprintf(stderr, "==DAMON-HARNESS== WATCHDOG: %s: %s\n%s", what, f.message.c_str(),
               f.detail.c_str());
  {
    Invisible inv;
    std::lock_guard<std::mutex> g(findings_mu_);
    findings_.insert(findings_.begin(), f);
  }
  if (opts_.hang_hook) opts_.hang_hook(f, opts_.hang_hook_arg);
  std::fflush(stderr);
  if (opts_.watchdog_abort) {
    std::fprintf(stderr, "==DAMON-HARNESS== ABORTING after %s\n", abort_reason);
    std::abort();
  }
  reclaim();
}

void OsExecution::reclaim() {
  aborting_.store(true);
  // A second: stopping and unwinding run only harness code and destructors.
  const uint64_t deadline = real_ns() + 1000000000ull;
  auto give_up = [this] {
    std::fprintf(stderr,
                 "==DAMON-HARNESS== some threads of the run could not be unwound (a wait on a "
                 "mutex whose holder cannot unwind, or code without a scheduling point); they "
                 "are abandoned\n");
    hung_.store(true);
  };
  for (;;) {
    bool all_done = true, progressed = false;
    const int n = nslots_.load(std::memory_order_acquire);
    for (int i = 0; i < n; i++) {
      ThreadSlot* p = const_cast<ThreadSlot*>(slots_.get(i));
      if (!p || !p->ready.load(std::memory_order_acquire) || !p->started.load()) continue;
      if (p->finished.load()) continue;
      all_done = false;
      {
        // Sleepers and joiners wait on their slots' condition variables, which
        // the execution owns; completion waiters poll the flag themselves.
        Invisible inv;
        { std::lock_guard<std::mutex> g(p->sleep_mu); }
        p->sleep_cv.notify_all();
        { std::lock_guard<std::mutex> g(p->done_mu); }
        p->done_cv.notify_all();
      }
      // One thread at a time, in tid order among those stopped; a thread still
      // in lock_mutex() stops once the holder's unwinding releases the mutex.
      if (!p->stopped.load()) continue;
      unwind_turn_.store(i);
      while (!p->finished.load()) {
        if (real_ns() > deadline) return give_up();
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      progressed = true;
    }
    if (all_done) return;
    if (real_ns() > deadline) return give_up();
    if (!progressed) monitor_wait();
  }
}

void OsExecution::over_budget(uint64_t now) {
  Finding f = hang_report(now);  // every waiting thread, and the protocol state
  f.verdict = Verdict::kLivelock;
  f.message = "the run did not end within its budget of " + std::to_string(opts_.run_budget_ms) +
              " ms (real): its threads keep running without finishing" +
              (f.blocked.empty() ? std::string() : "; " + f.message);
  f.detail += running_threads();
  if (!after_caller_contract(f)) publish_hang(std::move(f), "run budget exceeded", "run budget");
}

void OsExecution::after_violation(uint64_t now) {
  Finding f = hang_report(now);
  f.verdict = Verdict::kLivelock;
  f.message = "the run did not end within the watchdog timeout (" +
              std::to_string(watchdog_ns_ / 1000000) + " ms) of a caller-contract violation" +
              (f.blocked.empty() ? std::string() : "; " + f.message);
  after_caller_contract(f);
}

bool OsExecution::after_caller_contract(const Finding& f) {
  {
    Invisible inv;
    std::lock_guard<std::mutex> g(findings_mu_);
    bool broken = false;
    for (const Finding& earlier : findings_) broken |= earlier.verdict == Verdict::kCallerContract;
    if (!broken) return false;
    findings_.push_back(f);  // after the violation, which stays the run's verdict
  }
  std::fprintf(stderr,
               "==DAMON-HARNESS== %s after a caller-contract violation, not a finding; run "
               "abandoned: %s\n%s",
               std::string(verdict_name(f.verdict)).c_str(), f.message.c_str(), f.detail.c_str());
  reclaim();
  return true;
}

std::string OsExecution::running_threads() const {
  Invisible inv;
  std::string out;
  const int n = nslots_.load(std::memory_order_relaxed);
  for (int i = 0; i < n; i++) {
    const ThreadSlot* p = slots_.get(i);
    if (!p) continue;
    const ThreadSlot& s = *p;
    if (!s.ready.load(std::memory_order_acquire) || s.finished.load() ||
        s.wait.load(std::memory_order_relaxed) != kNone)
      continue;
    out += "  " + s.name + (s.asleep.load(std::memory_order_relaxed) ? ": sleeps" : ": runs") +
           "\n    stack: " + stack_of(i) + "\n    recent:";
    const unsigned nr = s.nrecent.load(std::memory_order_relaxed);
    for (unsigned k = nr > kRecent ? nr - kRecent : 0; k < nr; k++)
      out += " " + site_text(s.recent[k % kRecent].load(std::memory_order_relaxed));
    out += "\n";
  }
  return out;
}

void OsExecution::note_poll(uint64_t now) {
  if (last_poll_ns_) raise_max(watchdog_gauge().longest_poll_gap_ns, age_at(now, last_poll_ns_));
  last_poll_ns_ = now;
}

void OsExecution::end_watch() {
  for (int i = 0; i < nslots_.load(std::memory_order_relaxed); i++) track_wait(i, 0, 0, nullptr);
  watchdog_gauge().current_wait_ns.store(0, std::memory_order_relaxed);
}

Finding OsExecution::hang_report(uint64_t now, bool deadlock) const {
  Invisible inv;  // the threads are stuck; their records are read without sync
  Finding f;
  f.verdict = deadlock ? Verdict::kDeadlock : Verdict::kWatchdogHang;
  const int n = nslots_.load(std::memory_order_relaxed);
  uint64_t no_progress_ns = 0;  // the longest wait: the hang is at least this old
  // The shortest wait: a deadlock is complete once its last thread waits, so
  // this bounds how long the detector took.
  uint64_t last_wait_ns = UINT64_MAX;
  for (int i = 0; i < n; i++) {
    const ThreadSlot* p = slots_.get(i);
    if (!p) continue;
    const ThreadSlot& s = *p;
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
      b.waits_on = e->describe();
    } else {
      b.waits_on = "exit of " + static_cast<const ThreadSlot*>(obj)->name;
    }
    b.wait_site = site_text(s.wait_site.load(std::memory_order_relaxed));
    b.stack = stack_of(i);
    const uint64_t since = s.wait_since.load(std::memory_order_relaxed);
    const unsigned nr = s.nrecent.load(std::memory_order_relaxed);
    for (unsigned k = nr > kRecent ? nr - kRecent : 0; k < nr; k++) {
      b.recent.push_back(site_text(s.recent[k % kRecent].load(std::memory_order_relaxed)));
    }
    no_progress_ns = std::max(no_progress_ns, age_at(now, since));
    last_wait_ns = std::min(last_wait_ns, age_at(now, since));
    f.detail += "  " + b.thread + ": waits for " + b.waits_on + " at " + b.wait_site + " for " +
                std::to_string(age_at(now, since) / 1000000) + " ms\n    stack: " + b.stack +
                "\n    recent:";
    for (const std::string& r : b.recent) f.detail += " " + r;
    f.detail += "\n";
    if (f.tid < 0 && s.kind == ThreadKind::kClient) {
      f.tid = i;
      f.site = b.wait_site;
      f.message = b.thread + " waits for " + b.waits_on + " in " + b.wait_site +
                  (deadlock ? std::string(", and every unfinished thread waits: deadlock")
                            : " for more than " + std::to_string(watchdog_ns_ / 1000000) + " ms");
    }
    f.blocked.push_back(std::move(b));
  }
  if (f.message.empty())
    f.message = deadlock ? "every unfinished thread waits: deadlock"
                         : "a wait made no progress for the watchdog timeout";
  // Stated for measurements of the detection delay (bench/watchdog_latency.sh).
  char head[160];
  if (deadlock) {
    std::snprintf(head, sizeof head,
                  "  deadlock: every unfinished thread waits, the last for %.1f ms; no progress "
                  "for %.1f ms (watchdog timeout %llu ms)\n",
                  static_cast<double>(last_wait_ns == UINT64_MAX ? 0 : last_wait_ns) / 1e6,
                  static_cast<double>(no_progress_ns) / 1e6,
                  static_cast<unsigned long long>(watchdog_ns_ / 1000000));
  } else {
    std::snprintf(head, sizeof head, "  no progress for %.1f ms (watchdog timeout %llu ms)\n",
                  static_cast<double>(no_progress_ns) / 1e6,
                  static_cast<unsigned long long>(watchdog_ns_ / 1000000));
  }
  f.detail = head + f.detail;
  if (describe_state) f.detail += "  protocol state:\n" + describe_state();
  return f;
}

}  // namespace rt
