#include "harness/runtime/sim.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "harness/runtime/current.h"
#include "harness/runtime/invisible.h"

namespace rt {

SimExecution::SimExecution(Strategy& strategy, uint64_t run_index, const Options& options)
    : strategy_(strategy), opts_(options) {
  recycle_fiber_stacks();
  strategy_.begin(run_index);
  fp_on_ = strategy_.wants_footprints();
  if (opts_.record_trace) result_.trace.reserve(1024);
}

SimExecution::~SimExecution() {
  for (Thread& t : threads_) fiber_destroy(t.fiber);
}

int SimExecution::spawn(std::string name, ThreadKind kind, std::function<void()> body) {
  QuietAccesses q;
  const int tid = static_cast<int>(threads_.size());
  Thread& t = threads_.emplace_back();
  t.name = std::move(name);
  t.kind = kind;
  t.body = std::move(body);
  live_.push_back(tid);
  sched_epoch_++;
  fp_global();
  // The child starts after everything its creator did so far.
  tsan_release(&t);
  return tid;
}

DWH_SIM_STEP void SimExecution::record(const Site* site, TraceKind kind) {
  Thread& t = threads_[cur_];
  result_.steps++;
  t.last_ran = result_.steps;
  t.last_ran_ns = now_;
  t.recent[t.nrecent++ % kRecent] = site;
  if (fp_on_ && fp_.tid != cur_) fp_.global = true;  // a switch without a decision
  uint64_t h = result_.trace_hash ^ (static_cast<uint64_t>(cur_) << 56) ^ site->hash();
  result_.trace_hash = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull;
  if (opts_.record_trace) {
    result_.trace.push_back(TraceEntry{static_cast<uint16_t>(cur_), kind, site, 0});
  }
}

DWH_SIM_STEP bool SimExecution::teardown_eligible() const {
  bool all_done = true, all_quiet = true, others_live = false;
  for (const int tid : live_) {
    const Thread& t = threads_[tid];
    if (t.kind == ThreadKind::kClient) {
      if (t.state != State::kDone) all_done = false;
      if (t.state == State::kRunnable || t.state == State::kNew) all_quiet = false;
    } else if (t.kind == ThreadKind::kKthread) {
      if (t.state == State::kRunnable || t.state == State::kNew || t.state == State::kSleeping)
        others_live = true;
    }
  }
  if (all_done) return true;
  if (!all_quiet) return false;
  // Every client waits or sleeps: give the workers a grace period of virtual
  // time to serve them before tearing down, unless nothing else can make time
  // pass.
  return !others_live || now_ - last_client_ns_ >= opts_.teardown_grace_ns;
}

// Called from a model thread: the runtime's own clock bookkeeping, not state
// the model shares, so ThreadSanitizer must not see it.
DWH_SIM_STEP void SimExecution::progress() {
  QuietAccesses q;
  last_client_ns_ = now_;
  judged_at_progress_ = judged_ns_;
  fp_global();  // the teardown's gate
}

namespace {
// DWH_SIM_VERIFY=1: every reuse of a cached candidate set is checked against a
// recomputation (the tests set it; a mismatch aborts).
bool verify_candidates() {
  static const bool on = [] {
    const char* v = std::getenv("DWH_SIM_VERIFY");
    return v && *v && *v != '0';
  }();
  return on;
}
}  // namespace

DWH_SIM_STEP void SimExecution::candidates(bool cur_can_run) {
  const CandsKey key{sched_epoch_, now_, last_client_ns_, cur_, cur_can_run};
  if (cands_cached_ && key == cands_key_ && result_.steps < cands_valid_until_) {
    if (verify_candidates()) {
      const auto cached = cands_;
      compute_candidates(cur_can_run);
      if (sched_epoch_ != key.epoch || cached.size() != cands_.size() ||
          !std::equal(cached.begin(), cached.end(), cands_.begin(),
                      [](const Candidate& a, const Candidate& b) {
                        return a.tid == b.tid && a.sleeping == b.sleeping && a.wake_ns == b.wake_ns;
                      })) {
        std::fprintf(stderr, "damon-harness: sim: a cached candidate set is stale at step %llu\n",
                     static_cast<unsigned long long>(result_.steps));
        std::abort();
      }
    }
    return;
  }
  compute_candidates(cur_can_run);
  // Waking sleepers moved the epoch; the set is the one for the new states.
  cands_key_ = CandsKey{sched_epoch_, now_, last_client_ns_, cur_, cur_can_run};
  cands_cached_ = true;
}

DWH_SIM_STEP void SimExecution::compute_candidates(bool cur_can_run) {
  cands_.clear();
  cands_valid_until_ = UINT64_MAX;
  // A sleeper whose deadline virtual time has passed is simply runnable.
  int setup = -1;
  bool teardown_new = false, setup_live = false;
  for (const int i : live_) {
    Thread& t = threads_[i];
    if (t.state == State::kSleeping && t.wake_ns <= now_) {
      set_state(t, State::kRunnable);
      t.interrupted = false;
    }
    if (t.kind == ThreadKind::kTeardown && t.state == State::kNew) teardown_new = true;
    if (t.kind == ThreadKind::kSetup) setup_live = true;
    if (setup < 0 && t.kind == ThreadKind::kSetup &&
        (t.state == State::kRunnable || t.state == State::kNew))
      setup = i;
  }
  if (setup >= 0) {
    cands_.push_back(Candidate{setup, false, 0});
    return;
  }
  // A setup thread that waits (for a kdamond it started or stops) lets the
  // workers run, but no client or teardown starts before it has ended.
  auto held_back = [&](const Thread& t) {
    return setup_live && (t.kind == ThreadKind::kClient || t.kind == ThreadKind::kTeardown);
  };
  // teardown_eligible() matters only while the teardown has not started.
  const bool teardown_ok = !teardown_new || teardown_eligible();
  bool starving = false, time_frozen = false;
  for (const int i : live_) {
    const Thread& t = threads_[i];
    if (i == cur_ || held_back(t)) continue;
    if (t.kind == ThreadKind::kTeardown && t.state == State::kNew && !teardown_ok) continue;
    if (t.state != State::kRunnable && t.state != State::kNew) continue;
    if (result_.steps - t.last_ran > kStarveLimit) starving = true;
    if (now_ - t.last_ran_ns > kMaxRunnableLagNs) time_frozen = true;
    cands_valid_until_ = std::min(cands_valid_until_, t.last_ran + kStarveLimit + 1);
  }
  // Starved threads are the candidates, and more of them starve every step.
  if (starving) cands_valid_until_ = 0;
  for (const int tid : live_) {
    const Thread& t = threads_[tid];
    if (held_back(t)) continue;
    // Bounded unfairness: once a runnable thread has been passed over for
    // kStarveLimit steps, only such starved threads are candidates.
    if (starving && (tid == cur_ || result_.steps - t.last_ran <= kStarveLimit)) continue;
    if (t.state == State::kSleeping) {
      if (starving || time_frozen) continue;
      cands_.push_back(Candidate{tid, true, t.wake_ns});
      continue;
    }
    if (t.state != State::kRunnable && t.state != State::kNew) continue;
    if (tid == cur_ && !cur_can_run) continue;
    if (t.kind == ThreadKind::kTeardown && t.state == State::kNew && !teardown_ok) continue;
    cands_.push_back(Candidate{tid, false, 0});
  }
}

DWH_SIM_STEP size_t SimExecution::default_choice(bool cur_can_run) const {
  size_t best = cands_.size();
  for (size_t i = 0; i < cands_.size(); i++) {
    if (cur_can_run && cands_[i].tid == cur_) return i;
  }
  // Round robin over runnable threads, starting after the current one.
  for (size_t i = 0; i < cands_.size(); i++) {
    if (cands_[i].sleeping) continue;
    if (cands_[i].tid > cur_) return i;
    if (best == cands_.size()) best = i;
  }
  if (best != cands_.size()) return best;
  // Nothing runnable: fire the earliest timer.
  for (size_t i = 0; i < cands_.size(); i++) {
    if (best == cands_.size() || cands_[i].wake_ns < cands_[best].wake_ns) best = i;
  }
  return best;
}

DWH_SIM_STEP int SimExecution::decide(bool cur_can_run) {
  candidates(cur_can_run);
  if (cands_.empty()) {
    for (const Thread& t : threads_) {
      if (t.state != State::kDone) {
        raise(hang_finding(Verdict::kDeadlock, "deadlock: no thread can run", nullptr));
      }
    }
    return -1;
  }
  const size_t def = default_choice(cur_can_run);
  size_t pick = def;
  if (cands_.size() > 1) {
    if (fp_on_) {
      strategy_.transition_done(fp_);
      fp_ = Footprint{};
    }
    pick = strategy_.pick(std::span<const Candidate>(cands_.data(), cands_.size()), def,
                          cur_can_run ? cur_ : -1, acquiring_);
    if (pick >= cands_.size()) pick = def;
    if (pick != def) {
      result_.schedule.preemptions.push_back(
          Preemption{rec_count_, static_cast<uint8_t>(cands_[pick].tid)});
      rec_count_ = 0;
    } else {
      rec_count_++;
    }
  }
  const Candidate& c = cands_[pick];
  if (fp_on_ && cands_.size() > 1) fp_.tid = c.tid;
  if (c.sleeping) {
    fp_global();  // virtual time moves
    if (c.wake_ns > now_) {
      time_step_ = result_.steps;
      // The livelock judge's clock: a timer fired ahead of a runnable thread
      // stands for a preemption, not for time that thread had to act in.
      bool runnable_passed_over = false;
      for (const Candidate& o : cands_) runnable_passed_over |= !o.sleeping;
      const uint64_t d = c.wake_ns - now_;
      judged_ns_ += runnable_passed_over ? std::min(d, kMaxRunnableLagNs) : d;
    }
    now_ = std::max(now_, c.wake_ns);
    set_state(threads_[c.tid], State::kRunnable);
    threads_[c.tid].interrupted = false;
  }
  return c.tid;
}

DWH_SIM_STEP void SimExecution::reschedule(bool cur_can_run, const Site* site) {
  (void)site;
  const int n = decide(cur_can_run);
  if (n == cur_) return;
  next_ = n;
  switch_to_scheduler();
  if (aborting_) throw AbortRun{};
}

void SimExecution::switch_to_scheduler() {
  fiber_yield();
}

void SimExecution::fiber_entry(void* arg) {
  const auto* a = static_cast<const Thread*>(arg);
  SimExecution* self = a->exec;
  const int tid = a->tid;
  tsan_acquire(&self->threads_[tid]);
  // Everything a setup thread did happens before every other thread, and the
  // teardown starts after the clients it waited for (as if it joined them).
  const bool teardown = self->threads_[tid].kind == ThreadKind::kTeardown;
  for (const Thread& t : self->threads_) {
    if (t.state != State::kDone) continue;
    if (t.kind == ThreadKind::kSetup || (teardown && t.kind == ThreadKind::kClient))
      tsan_acquire(&t);
  }
  self->fiber_main(tid);
}

void SimExecution::fiber_main(int tid) {
  try {
    threads_[tid].body();
  } catch (AbortRun&) {
  }
  QuietAccesses q;
  Thread& t = threads_[tid];
  set_state(t, State::kDone);
  fp_global();
  live_.erase(std::remove(live_.begin(), live_.end(), tid), live_.end());
  t.body = nullptr;
  // The threads held back by the setup start now: their waiting so far is
  // neither starvation nor a frozen clock.
  if (t.kind == ThreadKind::kSetup) {
    for (Thread& o : threads_) {
      if (o.state != State::kNew) continue;
      o.last_ran = result_.steps;
      o.last_ran_ns = now_;
    }
  }
  tsan_release(&t);
  if (aborting_) return;
  wake_waiters(WaitKind::kJoin, &t);
  try {
    next_ = decide(false);
  } catch (AbortRun&) {
    next_ = -1;
  }
}

void SimExecution::resume(int tid) {
  Thread& t = threads_[tid];
  cur_ = tid;
  if (t.state == State::kNew) {
    // The teardown's start depends on every client's state.
    if (t.kind == ThreadKind::kTeardown) fp_global();
    set_state(t, State::kRunnable);
    t.exec = this;
    t.tid = tid;
    fiber_create(t.fiber, &SimExecution::fiber_entry, &t);
  }
  fiber_resume(t.fiber);
}

void SimExecution::unwind_all() {
  for (size_t i = 0; i < threads_.size(); i++) {
    Thread& t = threads_[i];
    if (t.state == State::kNew) {
      set_state(t, State::kDone);
      live_.erase(std::remove(live_.begin(), live_.end(), static_cast<int>(i)), live_.end());
    }
    if (t.state == State::kDone) continue;
    resume(static_cast<int>(i));  // lands at its suspension point and throws AbortRun
  }
}

RunResult SimExecution::run() {
  QuietAccesses q;
  set_current(this);
  running_ = true;
  fiber_scheduler_begin();
  cur_ = -1;
  next_ = threads_.empty() ? -1 : decide(false);
  while (next_ >= 0) {
    const int t = next_;
    next_ = -1;
    resume(t);
  }
  result_.threads.reserve(threads_.size());
  for (const Thread& t : threads_) {
    result_.threads.push_back(ThreadSummary{t.name, t.kind, t.state == State::kDone});
  }
  if (fp_on_) strategy_.transition_done(fp_);
  if (aborting_) unwind_all();
  // The caller reads and frees what the threads used: it comes after them.
  for (const Thread& t : threads_) tsan_acquire(&t);
  cur_ = -1;
  running_ = false;
  set_current(nullptr);
  result_.verdict = result_.findings.empty() ? Verdict::kOk : result_.findings.front().verdict;
  result_.virtual_ns = now_;
  return std::move(result_);
}

std::unique_ptr<Execution> make_sim_execution(Strategy& strategy, uint64_t run_index,
                                              const Options& options) {
  return std::make_unique<SimExecution>(strategy, run_index, options);
}

}  // namespace rt
