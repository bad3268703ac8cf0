// One execution of a set of threads over the runtime's blocking primitives.
// Two implementations share this interface:
//  - sim: fibers, one runs at a time, every primitive operation and declared
//    shared-state access is a scheduling point chosen by a Strategy; virtual time;
//    deadlock, lost-wakeup and livelock detection; exact replay.
//  - os: real threads, real mutexes and condition variables, scaled real time, a
//    watchdog for hangs. Meant for ThreadSanitizer.
// The runtime knows nothing about DAMON.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "harness/runtime/site.h"
#include "harness/runtime/strategy.h"
#include "harness/runtime/verdict.h"

namespace rt {

enum class RuntimeKind : uint8_t { kSim, kOs };
enum class ThreadKind : uint8_t {
  kClient,    // an API caller; the run's liveness is about these
  kKthread,   // a worker thread started by the code under test
  kTeardown,  // runs only once every client has finished or is blocked
  kSetup,     // runs first, to its end; while it waits only the kthreads it started run,
              // and no client or teardown starts before it has ended
};

class Execution;

// A sleeping lock. Owner tracking and wait-for graph in sim; a real std::mutex in os.
class Mutex {
 public:
  explicit Mutex(const char* name = "mutex") : name_(name) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  const char* name() const { return name_; }
  int owner() const { return owner_.load(std::memory_order_relaxed); }

 private:
  friend class SimExecution;
  friend class OsExecution;
  const char* name_;
  std::atomic<int> owner_{-1};  // tid; read racily by the watchdog
  std::mutex os_;
};

// A counting completion (kernel `struct completion`). `reach` counts the
// references that shared state and live threads hold to the request that owns
// this completion; the sim runtime reports a lost wakeup the moment a waiter's
// completion is not done and has no reference left.
class Event {
 public:
  explicit Event(const char* name = "completion") : name_(name) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  const char* name() const { return name_; }
  // Human-readable identity for reports ("cpu0 op#3 walk ctx0"); set by the
  // layer above. Kept inline, without a heap allocation per request; a label
  // longer than kMaxLabel bytes is cut there.
  static constexpr size_t kMaxLabel = 55;
  void set_label(std::string_view label) {
    label_len_ = static_cast<uint8_t>(std::min(label.size(), kMaxLabel));
    std::copy_n(label.data(), label_len_, label_);
  }
  std::string_view label() const { return std::string_view(label_, label_len_); }
  // What a hang report calls the waiter's completion: "completion <label>", or
  // its name while it has no label.
  std::string describe() const {
    return std::string("completion ").append(label_len_ ? label() : std::string_view(name_));
  }
  unsigned done() const { return done_; }
  // complete() calls since construction (not reset by init): a request must
  // be completed at most once.
  unsigned signals() const { return signals_; }
  int reach() const { return reach_; }

 private:
  friend class SimExecution;
  friend class OsExecution;
  const char* name_;
  char label_[kMaxLabel];
  uint8_t label_len_ = 0;
  unsigned done_ = 0;
  unsigned signals_ = 0;
  int reach_ = 0;
  bool tracked_ = false;  // ever referenced: only such events can be lost
  int dropped_by_ = -1;   // sim: thread that dropped the last reference
  const Site* dropped_at_ = nullptr;
  int waiters_ = 0;
  std::mutex os_;
  std::condition_variable os_cv_;
};

// Called once when the os watchdog declares a hang, before the process aborts
// (the layer above writes the program file here). From the monitor thread.
using HangHook = void (*)(const Finding& f, void* arg);

struct Options {
  // sim: the livelock judge. A run in which virtual time passes for more than
  // this while no client finishes an operation (progress()) and some thread is
  // still unfinished is a livelock: the layer above sets it to the longest
  // wait the run's own parameters allow, with a margin (program/liveness.h).
  // 0: no judge by time.
  uint64_t livelock_ns = 0;
  // sim: a run whose virtual time stands still for this many steps spins
  // (every wait in the sim either blocks or sleeps): a livelock too.
  uint64_t max_spin_steps = 100000;
  // sim: hard safety nets. A run that reaches either one without the judge
  // having decided ends as Verdict::kBudgetExhausted, which is no finding.
  uint64_t max_steps = 500000;
  uint64_t max_virtual_ns = 120ull * 1000000000;
  bool detect_lost_wakeups = true;  // sim
  bool record_trace = true;         // keep the per-point trace
  // os: real nanoseconds per virtual nanosecond (0.01 = 100x faster than real)
  double time_scale = 0.01;
  uint64_t watchdog_ms = 0;  // os: 0 = use default_watchdog_ms()
  // os: report a hang as soon as every unfinished thread blocks, without a
  // timeout, in a wait that no thread is left to end (a deadlock), rather than
  // at the watchdog timeout. A hang in which some thread still runs or sleeps
  // (a livelock, a lost request while a kdamond polls) waits for the timeout.
  bool detect_deadlock = true;
  // os: a run still going after this many real milliseconds is a livelock (a
  // thread that polls forever makes progress, so the watchdog never fires).
  // 0 = no budget.
  uint64_t run_budget_ms = 0;
  uint32_t perturb_seed = 0;  // os: 0 = no timing perturbation
  uint8_t perturb_rate = 0;   // os: 0..255, chance per point of a yield, spin or short sleep
  // The teardown starts once every client has finished, or every client is
  // finished, blocked or sleeping and none finished an operation for this long
  // (virtual ns). Longer than the longest sleep operation.
  uint64_t teardown_grace_ns = 1500ull * 1000000;
  // os: on a watchdog hang, abort() the process (so a fuzzer keeps the input)
  // instead of returning the verdict with the hung threads detached.
  bool watchdog_abort = true;
  HangHook hang_hook = nullptr;  // os: see HangHook
  void* hang_hook_arg = nullptr;
};

// The os watchdog's default timeout, chosen by measurement (see README).
uint64_t default_watchdog_ms();

// What the os watchdogs of this process measured, for live displays and for
// calibrating the timeout. Written by the monitor of the run in progress
// (relaxed), read by anyone. Waits are measured by polling every millisecond.
struct WatchdogGauge {
  std::atomic<uint64_t> current_wait_ns{0};  // the longest wait in progress, last poll
  std::atomic<uint64_t> longest_wait_ns{0};  // the longest wait that ended (hangs excluded)
  std::atomic<const Site*> longest_wait_site{nullptr};
  std::atomic<uint64_t> longest_poll_gap_ns{0};  // the monitor's longest stall between polls
};
WatchdogGauge& watchdog_gauge();

enum class TraceKind : uint8_t { kPoint, kBlock, kWake, kNote, kStart, kExit };

struct TraceEntry {
  uint16_t tid;
  TraceKind kind;
  const Site* site;  // kPoint/kBlock: where; kNote: nullptr
  uint32_t note;     // kNote: index into RunResult::notes
};

struct ThreadSummary {
  std::string name;
  ThreadKind kind;
  bool finished;
};

struct RunResult {
  Verdict verdict = Verdict::kOk;
  std::vector<Finding> findings;  // first one decides the verdict
  Schedule schedule;              // sim: what was actually run, replayable
  uint64_t trace_hash = 0;        // sim: hash over (tid, site hash) of every point
  uint64_t steps = 0;
  uint64_t virtual_ns = 0;
  std::vector<TraceEntry> trace;  // if Options::record_trace
  std::vector<std::string> notes;
  std::vector<ThreadSummary> threads;
};

class Execution {
 public:
  virtual ~Execution() = default;
  // The execution the calling thread (or fiber) belongs to. Aborts if none.
  static Execution& current();
  static Execution* current_or_null();

  virtual RuntimeKind kind() const = 0;
  // Create a thread. Before run(): it starts when run() starts. During run():
  // from a running thread, it starts now.
  virtual int spawn(std::string name, ThreadKind kind, std::function<void()> body) = 0;
  // Run every thread to the end or to the first finding (sim) / watchdog (os).
  virtual RunResult run() = 0;

  virtual int self() const = 0;
  virtual const std::string& thread_name(int tid) const = 0;
  virtual bool finished(int tid) const = 0;
  virtual uint64_t now_ns() const = 0;  // virtual nanoseconds in both runtimes

  // A scheduling point before an access to declared shared state.
  virtual void point(const Site* site) = 0;
  // What the access after a point() touches: a tracked object, or nullptr for
  // shared state without one. Not a scheduling point; the sim runtime keeps it
  // in the transition's Footprint when its strategy asks for footprints.
  virtual void declare_access(const void* obj) { (void)obj; }
  virtual void lock_mutex(Mutex& m, const Site* site) = 0;
  virtual bool trylock_mutex(Mutex& m, const Site* site) = 0;
  virtual void unlock_mutex(Mutex& m, const Site* site) = 0;
  virtual void event_init(Event& e, const Site* site) = 0;  // done = 0
  // site == nullptr: no scheduling point (the caller just made one).
  virtual void event_signal(Event& e, const Site* site) = 0;
  virtual void event_wait(Event& e, const Site* site) = 0;
  // References to the request owning `e` (see Event). No scheduling point.
  virtual void event_ref(Event& e) = 0;
  virtual void event_unref(Event& e, const Site* site) = 0;
  // Sleep `ns` virtual nanoseconds; returns true if wake() cut it short.
  virtual bool sleep(uint64_t ns, const Site* site) = 0;
  // Wake `tid` if it sleeps (wake_up_process). Sticky until its next sleep.
  virtual void wake(int tid, const Site* site) = 0;
  // Wait until `tid` has finished its body.
  virtual void join(int tid, const Site* site) = 0;

  // Protocol-level call stack of the calling thread (function names).
  virtual void push_frame(const char* name) = 0;
  virtual void pop_frame() = 0;
  virtual std::string stack_of(int tid) const = 0;
  // Appends stack_of(tid) to *out; the sim runtime does so without a string of
  // its own (the lifetime table keeps the stack of every death).
  virtual void append_stack(int tid, std::string* out) const { *out += stack_of(tid); }
  // A client made progress (finished an operation). The teardown starts once
  // every client is finished, blocked or sleeping and none made progress for
  // Options::teardown_grace_ns. Not a scheduling point.
  virtual void progress() = 0;
  // Free-form trace annotation (an op and its return value); kept only when
  // tracing. Not a scheduling point.
  virtual void note(std::string text) = 0;
  virtual bool tracing() const = 0;

  // Raise a finding from a layer above. The sim runtime ends the run at once
  // (the calling fiber does not return); the os runtime records the first finding
  // and lets the run wind down.
  virtual void report(Finding f) = 0;

  // True once the os watchdog fired without aborting: threads were abandoned,
  // and this execution (and what its threads use) must be leaked, not freed.
  virtual bool abandoned() const { return false; }

  // Slot for the layer above (the kernel layer keeps its World here).
  void* user = nullptr;
  // Set by the layer above: its protocol state in words, one indented line per
  // object, for hang reports. The os watchdog calls it from its monitor thread
  // while model threads are stuck or still running, so it may only read.
  std::function<std::string()> describe_state;
};

std::unique_ptr<Execution> make_sim_execution(Strategy& strategy, uint64_t run_index,
                                              const Options& options);
std::unique_ptr<Execution> make_os_execution(const Options& options);

// RAII protocol-level frame: RT_FRAME() at the top of a model function.
class FrameGuard {
 public:
  explicit FrameGuard(const char* name);
  ~FrameGuard();
  FrameGuard(const FrameGuard&) = delete;
  FrameGuard& operator=(const FrameGuard&) = delete;
};

}  // namespace rt

#define RT_FRAME() ::rt::FrameGuard rt_frame_guard_(__func__)
