#include "harness/runtime/os.h"

#include <cstdio>
#include <cstdlib>

#include "harness/runtime/current.h"
#include "harness/runtime/invisible.h"

namespace rt {

namespace {
thread_local int tl_tid = -1;
HangHook g_hang_hook = nullptr;
void* g_hang_arg = nullptr;
}  // namespace

void set_hang_hook(HangHook hook, void* arg) {
  g_hang_hook = hook;
  g_hang_arg = arg;
}
HangHook g_hang_hook_fn() {
  return g_hang_hook;
}
void* g_hang_hook_arg() {
  return g_hang_arg;
}

OsExecution::OsExecution(const Options& options)
    : opts_(options),
      watchdog_ns_((options.watchdog_ms ? options.watchdog_ms : default_watchdog_ms()) * 1000000),
      t0_(std::chrono::steady_clock::now()) {}

OsExecution::~OsExecution() {
  for (int i = 0; i < nslots_.load(); i++) {
    if (slots_[i].th.joinable()) slots_[i].th.join();
  }
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
  // Relaxed: two spawning threads must not synchronise through the counter.
  const int tid = nslots_.fetch_add(1, std::memory_order_relaxed);
  if (tid >= kMaxThreads) {
    std::fprintf(stderr, "damon-harness: os runtime: more than %d threads\n", kMaxThreads);
    std::abort();
  }
  Slot& s = slots_[tid];
  s.name = std::move(name);
  s.kind = kind;
  s.body = std::move(body);
  s.rng = opts_.perturb_seed * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(tid) + 1;
  s.ready.store(true, std::memory_order_release);
  if (tl_tid >= 0 && kind != ThreadKind::kFinisher) start(tid);
  return tid;
}

void OsExecution::start(int tid) {
  Slot& s = slots_[tid];
  s.started.store(true);
  s.th = std::thread([this, tid] { thread_main(tid); });
}

void OsExecution::thread_main(int tid) {
  set_current(this);
  tl_tid = tid;
  Slot& s = slots_[tid];
  s.body();
  s.body = nullptr;
  {
    std::lock_guard<std::mutex> g(s.done_mu);
    s.done = true;
    s.done_cv.notify_all();
  }
  s.finished.store(true);
  set_current(nullptr);
}

bool OsExecution::finisher_eligible(uint64_t now) {
  const uint64_t grace = static_cast<uint64_t>(opts_.finisher_grace_ns * opts_.time_scale);
  const int n = nslots_.load(std::memory_order_relaxed);
  for (int i = 0; i < n; i++) {
    Slot& s = slots_[i];
    if (!s.ready.load(std::memory_order_acquire) || s.kind != ThreadKind::kClient) continue;
    if (s.finished.load()) continue;
    if (s.wait.load(std::memory_order_relaxed) == kNone &&
        !s.asleep.load(std::memory_order_relaxed))
      return false;
  }
  return now - last_progress_.load(std::memory_order_relaxed) >= grace;
}

RunResult OsExecution::run() {
  const uint64_t t0 = real_ns();
  int finisher = -1;
  const int n0 = nslots_.load();
  for (int i = 0; i < n0; i++) {
    if (slots_[i].kind != ThreadKind::kSetup) continue;
    start(i);
    slots_[i].th.join();
  }
  for (int i = 0; i < n0; i++) {
    if (slots_[i].kind == ThreadKind::kSetup) continue;
    if (slots_[i].kind == ThreadKind::kFinisher) {
      finisher = i;
      continue;
    }
    start(i);
  }
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const uint64_t now = real_ns();
    note_poll(now);
    if (finisher >= 0 && !slots_[finisher].started.load() && finisher_eligible(now)) {
      start(finisher);
    }
    bool all_done = true;
    const int n = nslots_.load(std::memory_order_relaxed);
    for (int i = 0; i < n; i++) {
      if (!slots_[i].ready.load(std::memory_order_acquire)) continue;
      if (!slots_[i].finished.load()) all_done = false;
    }
    if (all_done && (finisher < 0 || slots_[finisher].started.load())) break;
    if (check_watchdog(now)) break;
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
    if (hung_.load() && slots_[i].th.joinable()) slots_[i].th.detach();
  }
  return r;
}

void OsExecution::report(Finding f) {
  Invisible inv;
  std::lock_guard<std::mutex> g(findings_mu_);
  f.tid = tl_tid;
  findings_.push_back(std::move(f));
}

std::unique_ptr<Execution> make_os_execution(const Options& options) {
  return std::make_unique<OsExecution>(options);
}

}  // namespace rt
