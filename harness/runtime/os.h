// The free-running runtime: one OS thread per model thread (pooled across runs,
// os.cc), real mutexes and condition variables, real time scaled by
// Options::time_scale. The thread that calls run() is the monitor: it starts the
// teardown when the clients are quiet, is the deadlock detector and the
// watchdog, and ends a run that will not end by itself (reclaim()). Everything
// the monitor reads is a relaxed atomic or read under TSan ignore annotations,
// so the harness adds no happens-before edges between model threads and
// ThreadSanitizer sees the model's races as they are.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "harness/runtime/execution.h"

namespace rt {

class OsExecution final : public Execution {
 public:
  explicit OsExecution(const Options& options);
  ~OsExecution() override;

  RuntimeKind kind() const override { return RuntimeKind::kOs; }
  int spawn(std::string name, ThreadKind kind, std::function<void()> body) override;
  RunResult run() override;
  int self() const override;
  const std::string& thread_name(int tid) const override { return slots_[tid].name; }
  bool finished(int tid) const override { return slots_[tid].finished.load(); }
  uint64_t now_ns() const override;

  void point(const Site* site) override;
  void lock_mutex(Mutex& m, const Site* site) override;
  bool trylock_mutex(Mutex& m, const Site* site) override;
  void unlock_mutex(Mutex& m, const Site* site) override;
  void event_init(Event& e, const Site* site) override;
  void event_signal(Event& e, const Site* site) override;
  void event_wait(Event& e, const Site* site) override;
  void event_ref(Event&) override {}
  void event_unref(Event&, const Site*) override {}
  bool sleep(uint64_t ns, const Site* site) override;
  void wake(int tid, const Site* site) override;
  void join(int tid, const Site* site) override;
  void push_frame(const char* name) override;
  void pop_frame() override;
  std::string stack_of(int tid) const override;
  void note(std::string) override {}
  void progress() override { last_progress_.store(real_ns(), std::memory_order_relaxed); }
  bool tracing() const override { return false; }
  void report(Finding f) override;

  // True once the watchdog fired without aborting and the run's threads could
  // not all be unwound (reclaim()): they were abandoned and this object must
  // outlive them (the caller leaks it).
  bool abandoned() const override { return hung_.load(); }

 private:
  static constexpr int kMaxThreads = 256;
  static constexpr int kMaxFrames = 16;
  static constexpr int kRecent = 8;
  enum WaitKind : uint8_t { kNone, kMutex, kEvent, kJoin };
  struct ThreadSlot {
    std::string name;
    ThreadKind kind = ThreadKind::kClient;
    std::function<void()> body;
    void* worker = nullptr;        // the pooled OS thread running it (os.cc)
    OsExecution* owner = nullptr;  // for the worker: set by start()
    int tid = -1;
    std::atomic<bool> ready{false};  // name/kind/body written (release)
    std::atomic<bool> started{false};
    std::atomic<bool> finished{false};
    std::atomic<uint8_t> wait{kNone};
    std::atomic<const void*> wait_obj{nullptr};
    std::atomic<const Site*> wait_site{nullptr};
    std::atomic<uint64_t> wait_since{0};  // real ns
    std::atomic<const char*> frames[kMaxFrames] = {};
    std::atomic<int> depth{0};
    std::atomic<const Site*> recent[kRecent] = {};
    std::atomic<unsigned> nrecent{0};
    std::mutex sleep_mu;
    std::condition_variable sleep_cv;
    bool sleeping = false, interrupted = false;
    std::atomic<bool> asleep{false};  // for the monitor
    std::mutex done_mu;
    std::condition_variable done_cv;
    bool done = false;
    uint64_t rng = 0;
    // The model mutexes this thread holds (its own bookkeeping), released when
    // reclaim() unwinds it; and whether it is unwinding (no primitive then
    // throws or blocks again, so destructors on the way out run through).
    std::vector<Mutex*> held;
    bool unwinding = false;
    std::atomic<bool> stopped{false};  // parked in abort_point(), waiting for its turn
  };

  void start(int tid);
  // Ends a run that will never end by itself (a hang, a livelock, a run after
  // a caller-contract violation): every thread stops at its next scheduling
  // point or in the wait it is blocked in; once all have stopped, each in turn
  // (in tid order, as sim unwinds its fibers, so no thread runs model code
  // while another frees what it uses) throws AbortRun and releases the model
  // mutexes it held. Threads that do not finish
  // within the grace period (waiters on a mutex whose holder cannot unwind,
  // code that never reaches a scheduling point) are abandoned: hung_ is set and
  // the run leaks as before. Unwound runs free their threads and memory, so a
  // long session that passes over hangs does not grow without bound.
  void reclaim();
  // Called by a primitive: if the run is being reclaimed and this thread is not
  // unwinding yet, parks until its turn, then throws AbortRun.
  void abort_point(ThreadSlot& s);
  void wait_done(int tid);               // until thread tid's body has returned
  static void thread_entry(void* slot);  // a pooled worker's job
  void thread_main(int tid, ThreadSlot* slot);
  // A model thread finished: the monitor polls now rather than at its next
  // millisecond (invisible to TSan, like every monitor read).
  void kick_monitor();
  void monitor_wait();  // until kicked or a millisecond passed
  void set_wait(WaitKind k, const void* obj, const Site* site);
  void clear_wait();
  void perturb();
  uint64_t real_ns() const;
  bool teardown_eligible(uint64_t now);
  bool check_watchdog(uint64_t now);
  // Deadlock detection (Options::detect_deadlock). A poll is quiet when every
  // started, unfinished thread waits on a mutex someone holds, a completion
  // not done, or the exit of a thread that has not exited; `sig` then
  // identifies where each thread waits (its wait, since when, its point count).
  // Three quiet polls in a row with one signature prove a deadlock: no thread
  // left or entered a wait over the middle poll, so what it read was one
  // instant's state, and no thread was left running to change it. The first
  // such deadlock starts a teardown that has not started (as the sim runtime
  // does when nothing can make time pass); the next one is reported.
  bool quiet_poll(uint64_t* sig) const;
  bool check_deadlock(uint64_t now, int teardown);
  // The run outlived Options::run_budget_ms: report a livelock with every
  // thread's state, then abort or abandon the run as on a hang.
  void over_budget(uint64_t now);
  // A hang or livelock after the program broke a caller precondition is the
  // violation's consequence: recorded after it (the run's verdict stays
  // caller-contract) and the run abandoned, without the hang hook or an abort.
  bool after_caller_contract(const Finding& f);
  // The run outlived the watchdog timeout after a caller-contract violation:
  // recorded after the violation and abandoned, as above.
  void after_violation(uint64_t now);
  std::string running_threads() const;
  // Prints and records a hang or livelock as the run's first finding, calls the
  // hang hook, then aborts (Options::watchdog_abort) or abandons the run.
  void publish_hang(Finding f, const char* what,
                    const char* abort_reason);  // the unfinished threads that do not wait
  // Monitor-only: follows slot i's current wait (since 0: none) so that the
  // gauge learns each wait's length when it ends.
  void track_wait(int i, uint64_t since, uint64_t age, const Site* site);
  void note_poll(uint64_t now);  // the gap since the previous poll
  void end_watch();              // the run ended without a hang: every wait ended
  // deadlock: found by check_deadlock() rather than at the timeout.
  Finding hang_report(uint64_t now, bool deadlock = false) const;

  Options opts_;
  uint64_t watchdog_ns_;
  std::chrono::steady_clock::time_point t0_;
  // Slots in chunks of 16, a chunk allocated when a spawn first needs it: a
  // run has a handful of threads, and a whole array of kMaxThreads slots was a
  // fresh 100 KB per run (page faults, and ThreadSanitizer shadow to reset).
  // A slot never moves. The monitor reads a chunk pointer that a spawn may be
  // writing, so the pointers are atomics.
  class SlotTable {
   public:
    static constexpr int kChunk = 16;
    SlotTable() { chunks_[0].store(first_, std::memory_order_relaxed); }
    ~SlotTable() {
      for (size_t c = 1; c < chunks_.size(); c++) delete[] chunks_[c].load();
    }
    SlotTable(const SlotTable&) = delete;
    SlotTable& operator=(const SlotTable&) = delete;
    // ThreadSlot i of a thread already spawned (its spawn happened before).
    ThreadSlot& operator[](int i) {
      return chunks_[i / kChunk].load(std::memory_order_relaxed)[i % kChunk];
    }
    const ThreadSlot& operator[](int i) const {
      return chunks_[i / kChunk].load(std::memory_order_relaxed)[i % kChunk];
    }
    // ThreadSlot i as the monitor sees it: nullptr while its chunk is not published.
    const ThreadSlot* get(int i) const {
      const ThreadSlot* c = chunks_[i / kChunk].load(std::memory_order_acquire);
      return c ? c + i % kChunk : nullptr;
    }
    void ensure(int i) {  // spawn, under spawn_mu_
      std::atomic<ThreadSlot*>& c = chunks_[i / kChunk];
      if (!c.load(std::memory_order_relaxed))
        c.store(new ThreadSlot[kChunk], std::memory_order_release);
    }

   private:
    ThreadSlot first_[kChunk];
    std::array<std::atomic<ThreadSlot*>, kMaxThreads / kChunk> chunks_{};
  };
  SlotTable slots_;
  std::atomic<int> nslots_{0};
  std::mutex spawn_mu_;  // invisible to TSan: assigns tids and chunks
  std::atomic<bool> hung_{false};
  std::atomic<bool> aborting_{false};  // reclaim() in progress
  std::atomic<int> unwind_turn_{-1};   // the thread reclaim() lets unwind now
  std::atomic<uint64_t> last_progress_{0};
  std::atomic<uint64_t> violation_ns_{0};  // real ns of the first caller-contract report
  std::mutex monitor_mu_;
  std::condition_variable monitor_cv_;
  bool monitor_kicked_ = false;
  // Monitor-only bookkeeping of track_wait(): the wait each slot was last seen in.
  std::array<uint64_t, kMaxThreads> seen_since_{};
  std::array<uint64_t, kMaxThreads> seen_age_{};
  std::array<const Site*, kMaxThreads> seen_site_{};
  uint64_t last_poll_ns_ = 0;
  // Monitor-only state of check_deadlock(): the quiet polls in a row and
  // their signature.
  int quiet_polls_ = 0;
  uint64_t quiet_sig_ = 0;
  std::mutex findings_mu_;
  std::vector<Finding> findings_;
};

}  // namespace rt
