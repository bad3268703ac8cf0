// The os runtime's primitives: real synchronisation, plus relaxed-atomic wait
// records that the watchdog reads.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>

#include "harness/runtime/current.h"
#include "harness/runtime/os.h"

namespace rt {

void OsExecution::set_wait(WaitKind k, const void* obj, const Site* site) {
  ThreadSlot& s = slots_[self()];
  s.wait_obj.store(obj, std::memory_order_relaxed);
  s.wait_site.store(site, std::memory_order_relaxed);
  s.wait_since.store(real_ns(), std::memory_order_relaxed);
  s.wait.store(k, std::memory_order_relaxed);
}

void OsExecution::clear_wait() {
  slots_[self()].wait.store(kNone, std::memory_order_relaxed);
}

void OsExecution::perturb() {
  if (!opts_.perturb_rate) return;
  ThreadSlot& s = slots_[self()];
  s.rng ^= s.rng << 13;
  s.rng ^= s.rng >> 7;
  s.rng ^= s.rng << 17;
  if ((s.rng & 0xff) >= opts_.perturb_rate) return;
  // Half yield the CPU, three eighths hold on to it for up to a few
  // microseconds, one eighth sleep. A sleep costs at least the kernel's timer
  // slack (about 50 us) however short it is asked to be, and was most of a run's
  // real time when half of the perturbations slept.
  switch (s.rng >> 8 & 7) {
    case 0:
      std::this_thread::sleep_for(std::chrono::microseconds((s.rng >> 11) % 50));
      break;
    case 1:
    case 2:
    case 3:
      for (uint64_t i = (s.rng >> 11) % 512; i > 0; i--) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#else
        std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
      }
      break;
    default:
      std::this_thread::yield();
  }
}

void OsExecution::abort_point(ThreadSlot& s) {
  if (!aborting_.load() || s.unwinding) return;
  s.stopped.store(true);
  // Parked until reclaim() gives this thread its turn; for good (and slowly) if
  // reclaim() gave up on the run.
  while (unwind_turn_.load() != s.tid) {
    std::this_thread::sleep_for(hung_.load() ? std::chrono::microseconds(1000000)
                                             : std::chrono::microseconds(100));
  }
  s.unwinding = true;
  throw AbortRun{};
}

void OsExecution::point(const Site* site) {
  const int tid = self();
  if (tid < 0) return;
  ThreadSlot& s = slots_[tid];
  abort_point(s);
  // An abandoned run's threads park at their next point: a livelocked thread
  // would otherwise spin on a core for the rest of the process.
  while (hung_.load(std::memory_order_relaxed))
    std::this_thread::sleep_for(std::chrono::seconds(1));
  const unsigned i = s.nrecent.load(std::memory_order_relaxed);
  s.recent[i % kRecent].store(site, std::memory_order_relaxed);
  s.nrecent.store(i + 1, std::memory_order_relaxed);
  perturb();
}

void OsExecution::lock_mutex(Mutex& m, const Site* site) {
  point(site);
  ThreadSlot& s = slots_[self()];
  if (!m.os_.try_lock()) {
    if (s.unwinding) return;  // on the way out: never block, and hold nothing new
    set_wait(kMutex, &m, site);
    m.os_.lock();  // a reclaim ends this wait by unwinding the holder
    clear_wait();
    if (aborting_.load()) {
      m.os_.unlock();
      abort_point(s);
    }
  }
  m.owner_.store(self(), std::memory_order_relaxed);
  s.held.push_back(&m);
}

bool OsExecution::trylock_mutex(Mutex& m, const Site* site) {
  point(site);
  if (!m.os_.try_lock()) return false;
  m.owner_.store(self(), std::memory_order_relaxed);
  slots_[self()].held.push_back(&m);
  return true;
}

void OsExecution::unlock_mutex(Mutex& m, const Site* site) {
  ThreadSlot& s = slots_[self()];
  const auto it = std::find(s.held.rbegin(), s.held.rend(), &m);
  if (it != s.held.rend()) {
    s.held.erase(std::next(it).base());
  } else if (s.unwinding) {
    return;  // a lock the unwinding thread did not take (lock_mutex above)
  }
  m.owner_.store(-1, std::memory_order_relaxed);
  m.os_.unlock();
  point(site);
}

void OsExecution::event_init(Event& e, const Site* site) {
  point(site);
  std::lock_guard<std::mutex> g(e.os_);
  e.done_ = 0;
}

void OsExecution::event_signal(Event& e, const Site* site) {
  if (site) point(site);
  // Notify under the lock: the woken waiter may return and free the request
  // (and this completion) as soon as it can take the lock.
  std::lock_guard<std::mutex> g(e.os_);
  e.done_++;
  e.signals_++;
  e.os_cv_.notify_all();
}

void OsExecution::event_wait(Event& e, const Site* site) {
  point(site);
  ThreadSlot& s = slots_[self()];
  std::unique_lock<std::mutex> g(e.os_);
  if (e.done_ == 0) {
    if (s.unwinding) return;
    set_wait(kEvent, &e, site);
    // The completion lives in model memory that may be freed as soon as its
    // waiter leaves, so reclaim() never touches it: the waiter looks at the
    // abort flag itself, every few milliseconds.
    while (e.done_ == 0 && !aborting_.load()) e.os_cv_.wait_for(g, std::chrono::milliseconds(5));
    clear_wait();
    if (e.done_ == 0) {
      // Not parked holding the completion's lock: a thread still running
      // would block on it in complete() and never stop.
      g.unlock();
      abort_point(s);  // throws
      return;
    }
  }
  e.done_--;
}

bool OsExecution::sleep(uint64_t ns, const Site* site) {
  point(site);
  ThreadSlot& s = slots_[self()];
  const auto real = std::chrono::nanoseconds(static_cast<uint64_t>(ns * opts_.time_scale));
  if (s.unwinding) return false;
  {
    std::unique_lock<std::mutex> g(s.sleep_mu);
    s.sleeping = true;
    s.interrupted = false;
    s.asleep.store(true, std::memory_order_relaxed);
    s.sleep_cv.wait_for(g, real, [&] { return s.interrupted || aborting_.load(); });
    s.asleep.store(false, std::memory_order_relaxed);
    s.sleeping = false;
  }
  abort_point(s);
  return s.interrupted;
}

void OsExecution::wake(int tid, const Site* site) {
  point(site);
  ThreadSlot& s = slots_[tid];
  {
    std::lock_guard<std::mutex> g(s.sleep_mu);
    if (!s.sleeping) return;
    s.interrupted = true;
  }
  s.sleep_cv.notify_all();
}

void OsExecution::join(int tid, const Site* site) {
  point(site);
  ThreadSlot& me = slots_[self()];
  if (me.unwinding) return;
  ThreadSlot& s = slots_[tid];
  std::unique_lock<std::mutex> g(s.done_mu);
  if (!s.done) {
    set_wait(kJoin, &s, site);
    s.done_cv.wait(g, [&] { return s.done || aborting_.load(); });
    clear_wait();
    if (!s.done) {
      g.unlock();
      abort_point(me);
    }
  }
}

void OsExecution::push_frame(const char* name) {
  ThreadSlot& s = slots_[self()];
  const int d = s.depth.load(std::memory_order_relaxed);
  if (d < kMaxFrames) s.frames[d].store(name, std::memory_order_relaxed);
  s.depth.store(d + 1, std::memory_order_relaxed);
}

void OsExecution::pop_frame() {
  ThreadSlot& s = slots_[self()];
  const int d = s.depth.load(std::memory_order_relaxed);
  if (d > 0) s.depth.store(d - 1, std::memory_order_relaxed);
}

std::string OsExecution::stack_of(int tid) const {
  const ThreadSlot& s = slots_[tid];
  std::string out;
  const int d = std::min(s.depth.load(std::memory_order_relaxed), kMaxFrames);
  for (int i = 0; i < d; i++) {
    if (!out.empty()) out += " > ";
    const char* f = s.frames[i].load(std::memory_order_relaxed);
    out += f ? f : "?";
  }
  return out;
}

}  // namespace rt
