// The deterministic runtime: model threads are fibers on one OS thread, exactly
// one runs at a time, and every primitive operation is a scheduling point where
// the Strategy may switch threads. Time is virtual. See execution.h for the
// contract; this header is internal to the runtime.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "harness/runtime/execution.h"
#include "harness/runtime/fiber.h"
#include "harness/runtime/invisible.h"

namespace rt {

// Elements that never move once added (as in std::deque), with an index that is
// one load: the scheduling core indexes its threads at every point.
template <class T>
class StableVector {
  // A run has a handful of threads: their pointers are inline.
  using Slots = boost::container::small_vector<std::unique_ptr<T>, 8>;

 public:
  class iterator {
   public:
    explicit iterator(typename Slots::const_iterator it) : it_(it) {}
    T& operator*() const { return **it_; }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator==(const iterator&) const = default;

   private:
    typename Slots::const_iterator it_;
  };
  T& operator[](size_t i) { return *v_[i]; }
  const T& operator[](size_t i) const { return *v_[i]; }
  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  T& emplace_back() { return *v_.emplace_back(std::make_unique<T>()); }
  iterator begin() const { return iterator(v_.begin()); }
  iterator end() const { return iterator(v_.end()); }

 private:
  Slots v_;
};

// UBSan's vptr check verifies, at every member access through a pointer or
// reference to an object of polymorphic class type, that the object's dynamic
// type is right. Inside SimExecution's own methods that object is `this`, at
// every access to a member, so the check is repeated dozens of times per
// scheduling point for an object whose type the checked virtual call that
// entered the runtime (or the method that called the helper) has already
// established. The scheduler's per-step methods are marked with this and skip
// the repetition, about a sixth of an ASan+UBSan fuzzing execution; every call
// into the runtime through rt::Execution& keeps its check, and every other
// UBSan and ASan check stays in these methods too.
#if defined(__clang__)
#define DWH_SIM_STEP __attribute__((no_sanitize("vptr")))
#else
#define DWH_SIM_STEP
#endif

class SimExecution final : public Execution {
 public:
  SimExecution(Strategy& strategy, uint64_t run_index, const Options& options);
  ~SimExecution() override;

  RuntimeKind kind() const override { return RuntimeKind::kSim; }
  int spawn(std::string name, ThreadKind kind, std::function<void()> body) override;
  RunResult run() override;
  int self() const override { return cur_; }
  const std::string& thread_name(int tid) const override { return threads_[tid].name; }
  bool finished(int tid) const override { return threads_[tid].state == State::kDone; }
  uint64_t now_ns() const override { return now_; }

  void point(const Site* site) override;
  void declare_access(const void* obj) override {
    if (!fp_on_) return;
    QuietAccesses q;  // the runtime's own record, not the model's memory
    fp_.add(obj);
  }
  // point() for a point just before an acquire (Strategy::pick's at_acquire).
  void acquire_point(const Site* site);
  // point() inside a primitive that is already in a QuietAccesses scope: under
  // ThreadSanitizer every scope costs two stack-depot insertions.
  void quiet_point(const Site* site);
  void lock_mutex(Mutex& m, const Site* site) override;
  bool trylock_mutex(Mutex& m, const Site* site) override;
  void unlock_mutex(Mutex& m, const Site* site) override;
  void event_init(Event& e, const Site* site) override;
  void event_signal(Event& e, const Site* site) override;
  void event_wait(Event& e, const Site* site) override;
  void event_ref(Event& e) override;
  void event_unref(Event& e, const Site* site) override;
  bool sleep(uint64_t ns, const Site* site) override;
  void wake(int tid, const Site* site) override;
  void join(int tid, const Site* site) override;
  void push_frame(const char* name) override;
  void pop_frame() override;
  std::string stack_of(int tid) const override;
  void append_stack(int tid, std::string* out) const override;
  void note(std::string text) override;
  void progress() override;
  bool tracing() const override { return opts_.record_trace; }
  void report(Finding f) override;

 private:
  enum class State : uint8_t { kNew, kRunnable, kBlocked, kSleeping, kDone };
  enum class WaitKind : uint8_t { kNone, kMutex, kEvent, kJoin };
  static constexpr int kRecent = 8;
  struct Thread {
    std::string name;
    ThreadKind kind;
    std::function<void()> body;
    State state = State::kNew;
    Fiber fiber;
    WaitKind wait = WaitKind::kNone;
    const void* wait_obj = nullptr;
    const Site* wait_site = nullptr;
    uint64_t wait_since = 0;
    uint64_t wake_ns = 0;
    bool interrupted = false;
    // Inline: deeper than the model's protocol stacks go.
    boost::container::small_vector<const char*, 8> frames;
    const Site* recent[kRecent] = {};
    unsigned nrecent = 0;
    uint64_t last_ran = 0;     // step of its last scheduling point
    uint64_t last_ran_ns = 0;  // virtual time of it
    // fiber_entry()'s argument, kept here rather than allocated per fiber.
    SimExecution* exec = nullptr;
    int tid = -1;
  };
  // A runnable thread passed over for this many steps runs next: only starved
  // threads are candidates until it has. Real schedulers are fair in that
  // sense; without it PCT's priorities, or a strategy firing a polling
  // thread's timer forever, would report livelocks that cannot happen.
  static constexpr uint64_t kStarveLimit = 256;
  // Virtual time does not advance (no timer fires) while a runnable thread has
  // not run for this long: an idle CPU would have run it.
  static constexpr uint64_t kMaxRunnableLagNs = 1000000;

  // Scheduling core.
  void record(const Site* site, TraceKind kind);
  bool teardown_eligible() const;
  // Every change of a thread's state goes through here: the candidate set
  // depends on the states (sched_epoch_).
  void set_state(Thread& t, State s) {
    t.state = s;
    sched_epoch_++;
  }
  // cands_ for this decision: the cached set when nothing it depends on has
  // changed since it was computed, else compute_candidates().
  void candidates(bool cur_can_run);
  void compute_candidates(bool cur_can_run);
  size_t default_choice(bool cur_can_run) const;
  // The next thread to run (-1: every thread finished); raises a deadlock when
  // some thread is left and none can run.
  int decide(bool cur_can_run);
  // Picks the next thread; returns with the caller running again (possibly
  // after other threads ran). `cur_can_run` is false when the caller blocks,
  // sleeps or finishes.
  void reschedule(bool cur_can_run, const Site* site);
  void switch_to_scheduler();
  void resume(int tid);
  void fiber_main(int tid);
  static void fiber_entry(void* arg);
  void block(WaitKind kind, const void* obj, const Site* site);
  void wake_waiters(WaitKind kind, const void* obj);
  void check_budget(const Site* site);
  void raise(Finding f);  // records, then unwinds the calling fiber
  Finding hang_finding(Verdict v, std::string message, const Site* site) const;
  BlockedThread describe(int tid) const;
  std::string wait_text(const Thread& t) const;
  void unwind_all();

  Strategy& strategy_;
  Options opts_;
  StableVector<Thread> threads_;
  int cur_ = -1;
  int next_ = -1;
  uint64_t now_ = 0;
  uint64_t time_step_ = 0;  // the step at which virtual time last moved
  // The livelock judge's clock (docs/model.md, "Liveness"): virtual time, but
  // a timer fired while a runnable thread was passed over counts at most
  // kMaxRunnableLagNs. judged_at_progress_: its value at the last progress().
  uint64_t judged_ns_ = 0;
  uint64_t judged_at_progress_ = 0;
  uint64_t last_client_ns_ = 0;
  bool running_ = false;
  bool aborting_ = false;
  RunResult result_;
  uint32_t rec_count_ = 0;
  boost::container::small_vector<Candidate, 16> cands_;
  // Tids of the threads not yet kDone, ascending: what the scheduling core
  // scans (a run leaves many finished kdamonds behind).
  boost::container::small_vector<int, 8> live_;
  bool acquiring_ = false;  // the point being decided precedes an acquire
  // What a candidate set depends on besides the step count: the threads'
  // states and wake times (sched_epoch_), virtual time, the last client
  // progress (the teardown's gate), the current thread and whether it can go
  // on. Other threads' last_ran changes only when they run, which changes cur_.
  struct CandsKey {
    uint64_t epoch = 0, now = 0, last_client_ns = 0;
    int cur = -1;
    bool cur_can_run = false;
    bool operator==(const CandsKey&) const = default;
  };
  uint64_t sched_epoch_ = 0;
  CandsKey cands_key_;
  bool cands_cached_ = false;
  // The current transition's footprint (Strategy::wants_footprints()).
  bool fp_on_ = false;
  Footprint fp_;
  void fp_add(const void* obj) {
    if (fp_on_) fp_.add(obj);
  }
  void fp_global() {
    if (fp_on_) fp_.global = true;
  }
  // The step at which a passed-over runnable thread starts starving, which
  // changes the set: the cached set is valid before it.
  uint64_t cands_valid_until_ = 0;
};

}  // namespace rt
