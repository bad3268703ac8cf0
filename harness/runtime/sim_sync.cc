// The sim runtime's primitives. Each one is a scheduling point placed *before*
// its effect, so a preemption can land between any two protocol steps. While a
// run is being unwound (aborting_), every primitive returns at once.
#include <algorithm>
#include <cstdio>

#include "harness/runtime/current.h"
#include "harness/runtime/invisible.h"
#include "harness/runtime/sim.h"

namespace rt {

// The livelock judge (docs/model.md, "Liveness"): by virtual time against the
// run's own longest legitimate wait, then by a spin without time, then the
// hard safety nets, which decide nothing.
DWH_SIM_STEP void SimExecution::check_budget(const Site* site) {
  const uint64_t waited = judged_ns_ - judged_at_progress_;
  const bool stalled = opts_.livelock_ns && waited > opts_.livelock_ns;
  const bool spinning = result_.steps - time_step_ > opts_.max_spin_steps;
  const bool exhausted = result_.steps > opts_.max_steps || now_ > opts_.max_virtual_ns;
  if (!stalled && !spinning && !exhausted) [[likely]]
    return;
  char why[160];
  if (stalled) {
    std::snprintf(why, sizeof why, "for %.3f s of virtual time (the program's bound is %.3f s)",
                  static_cast<double>(waited) / 1e9, static_cast<double>(opts_.livelock_ns) / 1e9);
  } else if (spinning) {
    std::snprintf(why, sizeof why, "in %llu steps without virtual time passing (a spin)",
                  static_cast<unsigned long long>(result_.steps - time_step_));
  } else {
    std::snprintf(why, sizeof why,
                  "when the %s budget ran out (%llu steps, %.3f s virtual): inconclusive",
                  result_.steps > opts_.max_steps ? "step" : "virtual-time",
                  static_cast<unsigned long long>(result_.steps), static_cast<double>(now_) / 1e9);
  }
  const Verdict v = stalled || spinning ? Verdict::kLivelock : Verdict::kBudgetExhausted;
  const char* what = v == Verdict::kLivelock ? "livelock" : "budget-exhausted";
  Finding f = hang_finding(v, std::string(what) + ": no client made progress " + why, site);
  for (const BlockedThread& b : f.blocked) {
    if (threads_[b.tid].kind == ThreadKind::kClient) {
      f.tid = b.tid;
      f.message =
          std::string(what) + ": " + b.thread + " made no progress in " + b.wait_site + " " + why;
      break;
    }
  }
  raise(std::move(f));
}

DWH_SIM_STEP void SimExecution::acquire_point(const Site* site) {
  acquiring_ = true;
  quiet_point(site);
  acquiring_ = false;
}

DWH_SIM_STEP void SimExecution::point(const Site* site) {
  QuietAccesses q;
  quiet_point(site);
}

DWH_SIM_STEP void SimExecution::quiet_point(const Site* site) {
  if (aborting_) return;
  record(site, TraceKind::kPoint);
  check_budget(site);
  reschedule(true, site);
}

DWH_SIM_STEP void SimExecution::block(WaitKind kind, const void* obj, const Site* site) {
  Thread& t = threads_[cur_];
  set_state(t, State::kBlocked);
  t.wait = kind;
  t.wait_obj = obj;
  t.wait_site = site;
  t.wait_since = result_.steps;
  record(site, TraceKind::kBlock);
  reschedule(false, site);
  t.wait = WaitKind::kNone;
  t.wait_obj = nullptr;
}

DWH_SIM_STEP void SimExecution::wake_waiters(WaitKind kind, const void* obj) {
  for (const int i : live_) {  // a finished thread waits for nothing
    Thread& t = threads_[i];
    if (t.state == State::kBlocked && t.wait == kind && t.wait_obj == obj) {
      set_state(t, State::kRunnable);
    }
  }
}

DWH_SIM_STEP void SimExecution::lock_mutex(Mutex& m, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  acquire_point(site);
  fp_add(&m);
  while (m.owner_.load(std::memory_order_relaxed) != -1) block(WaitKind::kMutex, &m, site);
  m.owner_.store(cur_, std::memory_order_relaxed);
  tsan_acquire(&m);
}

DWH_SIM_STEP bool SimExecution::trylock_mutex(Mutex& m, const Site* site) {
  QuietAccesses q;
  if (aborting_) return false;
  acquire_point(site);
  fp_add(&m);
  if (m.owner_.load(std::memory_order_relaxed) != -1) return false;
  m.owner_.store(cur_, std::memory_order_relaxed);
  tsan_acquire(&m);
  return true;
}

DWH_SIM_STEP void SimExecution::unlock_mutex(Mutex& m, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  if (m.owner_.load(std::memory_order_relaxed) != cur_) {
    Finding f;
    f.verdict = Verdict::kHarnessBug;
    f.message = std::string("unlock of mutex ") + m.name() + " not held by " + threads_[cur_].name;
    f.site = site_text(site);
    raise(std::move(f));
  }
  tsan_release(&m);
  fp_add(&m);
  m.owner_.store(-1, std::memory_order_relaxed);
  wake_waiters(WaitKind::kMutex, &m);
  quiet_point(site);
}

void SimExecution::event_init(Event& e, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  quiet_point(site);
  fp_add(&e);
  e.done_ = 0;
}

DWH_SIM_STEP void SimExecution::event_signal(Event& e, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  if (site) quiet_point(site);
  fp_add(&e);
  e.done_++;
  e.signals_++;
  tsan_release(&e);
  wake_waiters(WaitKind::kEvent, &e);
}

DWH_SIM_STEP void SimExecution::event_wait(Event& e, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  acquire_point(site);
  fp_add(&e);
  while (e.done_ == 0) {
    e.waiters_++;
    if (opts_.detect_lost_wakeups && e.tracked_ && e.reach_ == 0) {
      set_state(threads_[cur_], State::kBlocked);
      threads_[cur_].wait = WaitKind::kEvent;
      threads_[cur_].wait_obj = &e;
      threads_[cur_].wait_site = site;
      Finding f = hang_finding(Verdict::kLostRequest, "", site);
      f.tid = cur_;
      f.message = "lost request: " + threads_[cur_].name + " waits on " +
                  wait_text(threads_[cur_]) + ", dropped by " +
                  (e.dropped_by_ >= 0 ? threads_[e.dropped_by_].name : std::string("?")) + " at " +
                  site_text(e.dropped_at_);
      raise(std::move(f));
    }
    block(WaitKind::kEvent, &e, site);
    e.waiters_--;
  }
  e.done_--;
  tsan_acquire(&e);
}

void SimExecution::event_ref(Event& e) {
  QuietAccesses q;
  fp_add(&e);
  e.reach_++;
  e.tracked_ = true;
}

void SimExecution::event_unref(Event& e, const Site* site) {
  QuietAccesses q;
  fp_add(&e);
  e.reach_--;
  if (e.reach_ == 0) {
    e.dropped_by_ = cur_;
    e.dropped_at_ = site;
  }
  if (aborting_ || !opts_.detect_lost_wakeups) return;
  if (e.reach_ != 0 || e.done_ != 0 || e.waiters_ == 0) return;
  int waiter = -1;
  for (size_t i = 0; i < threads_.size(); i++) {
    const Thread& t = threads_[i];
    if (t.state == State::kBlocked && t.wait == WaitKind::kEvent && t.wait_obj == &e) {
      waiter = static_cast<int>(i);
    }
  }
  if (waiter < 0) return;
  Finding f = hang_finding(Verdict::kLostRequest, "", site);
  f.tid = waiter;
  f.site = site_text(threads_[waiter].wait_site);
  f.message = "lost request: " + threads_[waiter].name + " waits on " +
              wait_text(threads_[waiter]) + ", dropped by " + threads_[cur_].name + " at " +
              site_text(site);
  raise(std::move(f));
}

DWH_SIM_STEP bool SimExecution::sleep(uint64_t ns, const Site* site) {
  QuietAccesses q;
  if (aborting_) return false;
  record(site, TraceKind::kPoint);
  check_budget(site);
  fp_global();  // its wake time reads virtual time
  Thread& t = threads_[cur_];
  set_state(t, State::kSleeping);
  t.wake_ns = now_ + ns;
  t.interrupted = false;
  t.wait_site = site;
  reschedule(false, site);
  return t.interrupted;
}

void SimExecution::wake(int tid, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  quiet_point(site);
  Thread& t = threads_[tid];
  fp_add(&t);
  if (t.state == State::kSleeping) {
    set_state(t, State::kRunnable);
    t.interrupted = true;
  }
}

void SimExecution::join(int tid, const Site* site) {
  QuietAccesses q;
  if (aborting_) return;
  acquire_point(site);
  fp_add(&threads_[tid]);
  while (threads_[tid].state != State::kDone) block(WaitKind::kJoin, &threads_[tid], site);
  tsan_acquire(&threads_[tid]);
}

// Not quiet: only the thread itself writes its frames, so ThreadSanitizer sees
// no two threads write them, and the one reader of another thread's frames,
// stack_of(), is quiet. (A quiet scope costs TSan a stack-depot insertion per
// annotation; a frame is pushed and popped by every RT_FRAME function.)
DWH_SIM_STEP void SimExecution::push_frame(const char* name) {
  threads_[cur_].frames.push_back(name);
}

DWH_SIM_STEP void SimExecution::pop_frame() {
  auto& f = threads_[cur_].frames;
  if (!f.empty()) f.pop_back();
}

std::string SimExecution::stack_of(int tid) const {
  std::string s;
  append_stack(tid, &s);
  return s;
}

void SimExecution::append_stack(int tid, std::string* out) const {
  QuietAccesses q;
  const size_t start = out->size();
  for (const char* f : threads_[tid].frames) {
    if (out->size() != start) *out += " > ";
    *out += f;
  }
}

void SimExecution::note(std::string text) {
  QuietAccesses q;
  if (!opts_.record_trace || aborting_) return;
  result_.notes.push_back(std::move(text));
  result_.trace.push_back(TraceEntry{static_cast<uint16_t>(cur_), TraceKind::kNote, nullptr,
                                     static_cast<uint32_t>(result_.notes.size() - 1)});
}

void SimExecution::report(Finding f) {
  QuietAccesses q;
  raise(std::move(f));
}

void SimExecution::raise(Finding f) {
  if (aborting_) return;
  if (f.tid < 0) f.tid = cur_;
  f.step = result_.steps;
  result_.findings.push_back(std::move(f));
  aborting_ = true;
  throw AbortRun{};
}

std::string SimExecution::wait_text(const Thread& t) const {
  switch (t.wait) {
    case WaitKind::kMutex: {
      const auto* m = static_cast<const Mutex*>(t.wait_obj);
      const int owner = m->owner();
      return std::string("mutex ") + m->name() +
             (owner >= 0 ? " held by " + threads_[owner].name : std::string());
    }
    case WaitKind::kEvent: {
      const auto* e = static_cast<const Event*>(t.wait_obj);
      return e->describe();
    }
    case WaitKind::kJoin:
      return "exit of " + static_cast<const Thread*>(t.wait_obj)->name;
    case WaitKind::kNone:
      break;
  }
  if (t.state == State::kSleeping) return "sleep until t=" + std::to_string(t.wake_ns) + "ns";
  return t.state == State::kDone ? "nothing (finished)" : "nothing (runnable)";
}

BlockedThread SimExecution::describe(int tid) const {
  const Thread& t = threads_[tid];
  BlockedThread b;
  b.tid = tid;
  b.thread = t.name;
  b.waits_on = wait_text(t);
  b.wait_site = site_text(t.wait_site);
  b.stack = stack_of(tid);
  if (t.wait == WaitKind::kMutex) b.holder = static_cast<const Mutex*>(t.wait_obj)->owner();
  b.since_step = t.wait_since;
  const unsigned n = std::min<unsigned>(t.nrecent, kRecent);
  for (unsigned i = 0; i < n; i++) {
    b.recent.push_back(site_text(t.recent[(t.nrecent - n + i) % kRecent]));
  }
  return b;
}

Finding SimExecution::hang_finding(Verdict v, std::string message, const Site* site) const {
  Finding f;
  f.verdict = v;
  f.message = std::move(message);
  f.site = site_text(site);
  for (size_t i = 0; i < threads_.size(); i++) {
    const Thread& t = threads_[i];
    if (t.state == State::kDone) continue;
    if (t.state == State::kRunnable && static_cast<int>(i) != cur_) continue;
    BlockedThread b = describe(static_cast<int>(i));
    f.detail += b.thread + " waits for " + b.waits_on + " at " + b.wait_site + "\n";
    if (f.tid < 0 && t.kind == ThreadKind::kClient && t.state == State::kBlocked) {
      f.tid = b.tid;
      if (f.message.empty() || f.message == "deadlock: no thread can run") {
        f.message = "deadlock: " + b.thread + " waits for " + b.waits_on + " in " + b.wait_site;
      }
    }
    f.blocked.push_back(std::move(b));
  }
  return f;
}

}  // namespace rt
