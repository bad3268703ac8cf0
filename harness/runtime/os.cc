#include "harness/runtime/os.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "harness/runtime/current.h"
#include "harness/runtime/fiber_stack.h"
#include "harness/runtime/invisible.h"

namespace rt {

namespace {
thread_local int tl_tid = -1;

// OS threads reused from run to run: creating and destroying a thread per
// model thread (fresh stacks, their page faults and unmaps) is most of a short
// run's cost, several times more under ThreadSanitizer. A worker serves one
// model thread per run: it goes back to the pool only when its run's
// OsExecution is destroyed, so two model threads of one run never share an OS
// thread (and ThreadSanitizer never orders them by program order). Runs are
// ordered anyway: the monitor waits for every thread of a run before the next
// one starts. The hand-over is invisible to TSan; the creator's edge to the
// new thread is an explicit release/acquire, as thread creation would give.
// Workers of an abandoned run stay with it.
class WorkerPool {
 public:
  // A job is a plain function and argument, written and read only inside
  // Invisible scopes: a std::function's heap copy would be memory the creator
  // wrote and the worker reads with no edge TSan knows of.
  struct Worker {
    std::mutex mu;
    std::condition_variable cv;
    void (*fn)(void*) = nullptr;  // under mu
    void* arg = nullptr;
    bool quit = false;  // under mu: set at exit, for an idle worker
    std::thread thread;
  };

  static WorkerPool& get() {
    // Never destroyed: workers of abandoned runs outlive main().
    static WorkerPool* pool = [] {
      auto* p = new WorkerPool;
      std::atexit(shutdown);
      return p;
    }();
    return *pool;
  }

  // At exit, the idle workers end and are joined. A process whose only thread
  // is the main one exits at once; with other threads alive, ThreadSanitizer
  // first sleeps a second (atexit_sleep_ms) to catch races with them, which
  // idle workers cannot have, and which made a second of every os process.
  // Workers of an abandoned run are left alone: they may never return.
  static void shutdown() {
    WorkerPool& pool = get();
    std::vector<Worker*> idle;
    {
      Invisible inv;
      std::lock_guard<std::mutex> g(pool.mu_);
      idle.swap(pool.idle_);
    }
    for (Worker* w : idle) {
      {
        Invisible inv;
        std::lock_guard<std::mutex> g(w->mu);
        w->quit = true;
        w->cv.notify_one();
      }
      w->thread.join();
      delete w;
    }
  }

  Worker* acquire() {
    {
      Invisible inv;
      std::lock_guard<std::mutex> g(mu_);
      if (!idle_.empty()) {
        Worker* w = idle_.back();
        idle_.pop_back();
        return w;
      }
    }
    auto* w = new Worker;
    w->thread = std::thread(loop, w);
    return w;
  }

  void release(Worker* w) {
    Invisible inv;
    std::lock_guard<std::mutex> g(mu_);
    idle_.push_back(w);
  }

  static void hand(Worker* w, void (*fn)(void*), void* arg) {
    Invisible inv;
    std::lock_guard<std::mutex> g(w->mu);
    w->fn = fn;
    w->arg = arg;
    w->cv.notify_one();
  }

 private:
  static void loop(Worker* w) {
#ifdef __linux__
    // Model time is real time scaled down: a kdamond's sample interval is tens
    // of microseconds, and the default timer slack (50 us) would stretch every
    // such sleep several times over.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
    for (;;) {
      void (*fn)(void*);
      void* arg;
      {
        Invisible inv;
        std::unique_lock<std::mutex> lk(w->mu);
        w->cv.wait(lk, [w] { return w->fn != nullptr || w->quit; });
        if (!w->fn) return;  // quit
        fn = w->fn;
        arg = w->arg;
        w->fn = nullptr;
      }
      fn(arg);
    }
  }

  std::mutex mu_;
  std::vector<Worker*> idle_;
};
}  // namespace

OsExecution::OsExecution(const Options& options)
    : opts_(options),
      watchdog_ns_((options.watchdog_ms ? options.watchdog_ms : default_watchdog_ms()) * 1000000),
      t0_(std::chrono::steady_clock::now()) {}

OsExecution::~OsExecution() {
  for (int i = 0; i < nslots_.load(); i++) {
    ThreadSlot& s = slots_[i];
    if (!s.worker) continue;
    wait_done(i);
    WorkerPool::get().release(static_cast<WorkerPool::Worker*>(s.worker));
  }
}

// As pthread_join(): everything the thread did happens before the return.
void OsExecution::wait_done(int tid) {
  ThreadSlot& s = slots_[tid];
  std::unique_lock<std::mutex> g(s.done_mu);
  s.done_cv.wait(g, [&] { return s.done; });
}

uint64_t OsExecution::real_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              t0_)
      .count();
}

uint64_t OsExecution::now_ns() const {
  return static_cast<uint64_t>(static_cast<double>(real_ns()) / opts_.time_scale);
}

int OsExecution::self() const {
  return tl_tid;
}

int OsExecution::spawn(std::string name, ThreadKind kind, std::function<void()> body) {
  int tid;
  {
    // Invisible: two spawning threads must not synchronise through the table.
    // The chunk is published before the count that lets the monitor read it.
    Invisible inv;
    std::lock_guard<std::mutex> g(spawn_mu_);
    tid = nslots_.load(std::memory_order_relaxed);
    if (tid >= kMaxThreads) {
      std::fprintf(stderr, "damon-harness: os runtime: more than %d threads\n", kMaxThreads);
      std::abort();
    }
    slots_.ensure(tid);
    nslots_.store(tid + 1, std::memory_order_release);
  }
  ThreadSlot& s = slots_[tid];
  s.name = std::move(name);
  s.kind = kind;
  s.body = std::move(body);
  s.rng = opts_.perturb_seed * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(tid) + 1;
  s.ready.store(true, std::memory_order_release);
  if (tl_tid >= 0 && kind != ThreadKind::kTeardown) start(tid);
  return tid;
}

void OsExecution::start(int tid) {
  ThreadSlot& s = slots_[tid];
  s.started.store(true);
  auto* w = WorkerPool::get().acquire();
  s.worker = w;
  s.owner = this;
  s.tid = tid;
  tsan_release(&s);  // what thread creation would order before the thread
  WorkerPool::hand(w, &OsExecution::thread_entry, &s);
}

// The thread reads nothing its creator wrote before this acquire.
void OsExecution::thread_entry(void* slot) {
  ThreadSlot* s = static_cast<ThreadSlot*>(slot);
  tsan_acquire(s);
  s->owner->thread_main(s->tid, s);
}

void OsExecution::thread_main(int tid, ThreadSlot* slot) {
  set_current(this);
  tl_tid = tid;
  ThreadSlot& s = *slot;
  try {
    s.body();
  } catch (AbortRun&) {
    // Unwound by reclaim(): release the model mutexes the thread still holds,
    // so that their waiters can unwind too.
    for (auto it = s.held.rbegin(); it != s.held.rend(); ++it) {
      (*it)->owner_.store(-1, std::memory_order_relaxed);
      (*it)->os_.unlock();
    }
  }
  s.held.clear();
  s.body = nullptr;
  s.finished.store(true);
  kick_monitor();
  set_current(nullptr);
  tl_tid = -1;  // the pooled OS thread serves no model thread until its next job
  // Last: once `done` is seen, the execution may be destroyed (wait_done()).
  std::lock_guard<std::mutex> g(s.done_mu);
  s.done = true;
  s.done_cv.notify_all();
}

void OsExecution::kick_monitor() {
  Invisible inv;
  std::lock_guard<std::mutex> g(monitor_mu_);
  monitor_kicked_ = true;
  monitor_cv_.notify_one();
}

void OsExecution::monitor_wait() {
  Invisible inv;
  std::unique_lock<std::mutex> lk(monitor_mu_);
  monitor_cv_.wait_for(lk, std::chrono::milliseconds(1), [this] { return monitor_kicked_; });
  monitor_kicked_ = false;
}

bool OsExecution::teardown_eligible(uint64_t now) {
  const uint64_t grace = static_cast<uint64_t>(opts_.teardown_grace_ns * opts_.time_scale);
  const int n = nslots_.load(std::memory_order_relaxed);
  bool all_done = true;
  for (int i = 0; i < n; i++) {
    const ThreadSlot* p = slots_.get(i);
    if (!p) continue;
    const ThreadSlot& s = *p;
    if (!s.ready.load(std::memory_order_acquire) || s.kind != ThreadKind::kClient) continue;
    if (s.finished.load()) continue;
    all_done = false;
    if (s.wait.load(std::memory_order_relaxed) == kNone &&
        !s.asleep.load(std::memory_order_relaxed))
      return false;
  }
  // As in the sim runtime: once every client has finished there is nothing to
  // wait for.
  return all_done || now - last_progress_.load(std::memory_order_relaxed) >= grace;
}

RunResult OsExecution::run() {
  const uint64_t t0 = real_ns();
  int teardown = -1;
  const int n0 = nslots_.load();
  for (int i = 0; i < n0; i++) {
    if (slots_[i].kind != ThreadKind::kSetup) continue;
    start(i);
    wait_done(i);
  }
  for (int i = 0; i < n0; i++) {
    if (slots_[i].kind == ThreadKind::kSetup) continue;
    if (slots_[i].kind == ThreadKind::kTeardown) {
      teardown = i;
      continue;
    }
    start(i);
  }
  for (;;) {
    monitor_wait();
    const uint64_t now = real_ns();
    note_poll(now);
    if (teardown >= 0 && !slots_[teardown].started.load() && teardown_eligible(now)) {
      start(teardown);
    }
    bool all_done = true;
    const int n = nslots_.load(std::memory_order_relaxed);
    for (int i = 0; i < n; i++) {
      const ThreadSlot* p = slots_.get(i);
      if (!p || !p->ready.load(std::memory_order_acquire)) continue;
      if (!p->finished.load()) all_done = false;
    }
    if (all_done && (teardown < 0 || slots_[teardown].started.load())) break;
    if (check_deadlock(now, teardown) || check_watchdog(now)) break;
    // After a caller-contract violation the verdict is settled; what follows
    // is its consequence. A run that then outlives the watchdog timeout is
    // ended now rather than at the run budget.
    // (A violation reported after `now` was read is not late.)
    if (const uint64_t v = violation_ns_.load(std::memory_order_relaxed);
        v && now > v && now - v > watchdog_ns_) {
      after_violation(now);
      break;
    }
    if (opts_.run_budget_ms && now - t0 > opts_.run_budget_ms * 1000000) {
      over_budget(now);
      break;
    }
  }
  if (hung_.load()) {
    watchdog_gauge().current_wait_ns.store(0, std::memory_order_relaxed);
  } else {
    end_watch();
  }
  RunResult r;
  {
    Invisible inv;
    std::lock_guard<std::mutex> g(findings_mu_);
    r.findings = findings_;
  }
  r.verdict = r.findings.empty() ? Verdict::kOk : r.findings.front().verdict;
  r.virtual_ns = now_ns();
  for (int i = 0; i < nslots_.load(); i++) {
    r.threads.push_back(ThreadSummary{slots_[i].name, slots_[i].kind, slots_[i].finished.load()});
  }
  return r;
}

void OsExecution::report(Finding f) {
  Invisible inv;
  std::lock_guard<std::mutex> g(findings_mu_);
  f.tid = tl_tid;
  if (f.verdict == Verdict::kCallerContract && !violation_ns_.load(std::memory_order_relaxed))
    violation_ns_.store(std::max<uint64_t>(real_ns(), 1), std::memory_order_relaxed);
  findings_.push_back(std::move(f));
}

std::unique_ptr<Execution> make_os_execution(const Options& options) {
  return std::make_unique<OsExecution>(options);
}

}  // namespace rt
