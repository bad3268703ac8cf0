// Kernel-style primitives over the runtime: what the DAMON model codes against,
// under the kernel's own names. Every primitive is a scheduling point; the macros
// capture the call site so traces and timelines name the model line.
//
// Lifetime: objects derived from Tracked are registered in the world's lifetime
// table. touch(obj, site) (used by READ/WRITE) is a scheduling point followed by a
// check that obj is still alive; an access after death is reported with the
// accessing thread and stack and the thread, stack and site of the death.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "harness/kernel/world.h"
#include "harness/runtime/execution.h"

namespace kernel {

// Error codes are <cerrno>'s, which on Linux are the kernel's values.
// "-EBUSY" etc.; unknown codes print as a number.
std::string errname(int err);

// ---- mutex ----
struct mutex {
  explicit mutex(const char* name = "mutex") : m(name) {}
  rt::Mutex m;
};
void mutex_lock_at(mutex* m, const rt::Site* site);
bool mutex_trylock_at(mutex* m, const rt::Site* site);
void mutex_unlock_at(mutex* m, const rt::Site* site);

// ---- completion ----
// `owner` is the tracked object the completion is embedded in (a request), if
// any: complete() checks it is alive after its scheduling point and before it
// touches the completion, so a request freed meanwhile is reported, not written.
struct completion {
  explicit completion(const char* name = "completion", const Tracked* owner = nullptr)
      : e(name), owner(owner) {}
  rt::Event e;
  const Tracked* owner;
};
void init_completion_at(completion* c, const rt::Site* site);
void reinit_completion_at(completion* c, const rt::Site* site);
void complete_at(completion* c, const rt::Site* site);
void wait_for_completion_at(completion* c, const rt::Site* site);

// ---- kthread ----
// A task. Its lifetime is tracked: it dies when its last reference is put.
struct task_struct : Tracked {
  int tid = -1;
  std::atomic<int> usage{0};             // references (the thread holds one until it exits)
  std::atomic<bool> should_stop{false};  // set by kthread_stop
  int result = 0;                        // what the thread function returned
  std::string comm;
};
// ERR_PTR-style result of kthread_run.
struct TaskResult {
  task_struct* task = nullptr;
  int err = 0;  // nonzero (negative errno) iff task == nullptr
};
// Creates and starts a kthread running fn(data). Fails with -ENOMEM when the
// world's fault injection says so.
TaskResult kthread_run_at(int (*fn)(void*), void* data, std::string name, const rt::Site* site);
bool kthread_should_stop_at(const rt::Site* site);
void get_task_struct_at(task_struct* t, const rt::Site* site);
void put_task_struct_at(task_struct* t, const rt::Site* site);
// Sets should_stop, wakes the task if it sleeps, waits until its function has
// returned, then returns its result.
int kthread_stop_at(task_struct* t, const rt::Site* site);
// kthread_stop() then put_task_struct().
int kthread_stop_put_at(task_struct* t, const rt::Site* site);
task_struct* current_task();

// ---- sleeps (virtual microseconds / milliseconds) ----
// usleep_idle_range sleeps its whole time (a wake-up sends it back to sleep);
// schedule_timeout_idle ends at a wake-up (kthread_stop's wake_up_process).
void usleep_idle_range_at(uint64_t min_us, uint64_t max_us, const rt::Site* site);
void schedule_timeout_idle_ms_at(uint64_t ms, const rt::Site* site);

// ---- allocation with owner lifetimes ----
// Heap object (kmalloc/kzalloc): dies at kfree. Returns nullptr when the world's
// fault injection fails this allocation.
template <class T>
T* kzalloc_obj(const char* what, const rt::Site* site);
void kfree_at(Tracked* obj, const rt::Site* site);
// Caller-owned object: lives until the CallerFrame that made it is destroyed
// (the owning call returned). Never fails.
class CallerFrame {
 public:
  // "cpu0 op#3 walk ctx0"; the text must outlive the frame (the World keeps its
  // own copy for reports).
  explicit CallerFrame(std::string_view owner);
  ~CallerFrame();  // every object made here dies
  CallerFrame(const CallerFrame&) = delete;
  CallerFrame& operator=(const CallerFrame&) = delete;
  template <class T>
  T* make(const char* what);

 private:
  std::string_view owner_;
  boost::container::small_vector<Tracked*, 2> objs_;  // a frame makes one or two
};

// Lifetime check without a scheduling point (list neighbours).
void check_alive_at(const Tracked* obj, const rt::Site* site);
// Scheduling point + lifetime check of `obj` (no-op check for untracked types).
// Returns false when obj is dead: the sim runtime has ended the run by then, the
// os runtime goes on, and READ/WRITE then leave the dead memory alone (it is
// really freed under ASan).
bool touch_at(const Tracked* obj, const rt::Site* site);
inline bool touch_at(const void* obj, const rt::Site* site) {
  rt::Execution& e = rt::Execution::current();
  e.point(site);
  e.declare_access(obj);
  return true;
}
// A scheduling point before an access to shared state that is not in a tracked object.
inline void shared_access_at(const rt::Site* site) {
  rt::Execution& e = rt::Execution::current();
  e.point(site);
  e.declare_access(nullptr);
}

}  // namespace kernel

// Kernel-named macros for model code (not in the kernel layer's own sources,
// where they would collide with rt::Execution's method names).
#ifndef DWH_KERNEL_IMPL
#define mutex_lock(m) ::kernel::mutex_lock_at((m), RT_SITE("mutex_lock(" #m ")"))
#define mutex_trylock(m) ::kernel::mutex_trylock_at((m), RT_SITE("mutex_trylock(" #m ")"))
#define mutex_unlock(m) ::kernel::mutex_unlock_at((m), RT_SITE("mutex_unlock(" #m ")"))
#define init_completion(c) ::kernel::init_completion_at((c), RT_SITE("init_completion"))
#define reinit_completion(c) ::kernel::reinit_completion_at((c), RT_SITE("reinit_completion"))
#define complete(c) ::kernel::complete_at((c), RT_SITE("complete(" #c ")"))
#define wait_for_completion(c) ::kernel::wait_for_completion_at((c), RT_SITE("wait_for_completion"))
#define kthread_should_stop() ::kernel::kthread_should_stop_at(RT_SITE("kthread_should_stop"))
#define get_task_struct(t) ::kernel::get_task_struct_at((t), RT_SITE("get_task_struct"))
#define put_task_struct(t) ::kernel::put_task_struct_at((t), RT_SITE("put_task_struct"))
#define kthread_stop_put(t) ::kernel::kthread_stop_put_at((t), RT_SITE("kthread_stop_put"))
#define kfree(p) ::kernel::kfree_at((p), RT_SITE("kfree"))
// READ(obj, field, "label") / WRITE(obj, field, value, "label"): a declared
// shared-state access through a tracked (or plain) object.
#define READ(obj, field, label)                             \
  (::kernel::touch_at((obj), RT_SITE(label)) ? (obj)->field \
                                             : std::remove_cvref_t<decltype((obj)->field)>{})
#define WRITE(obj, field, value, label)                                    \
  do {                                                                     \
    if (::kernel::touch_at((obj), RT_SITE(label))) (obj)->field = (value); \
  } while (0)

#endif  // DWH_KERNEL_IMPL

#include "harness/kernel/kernel_inl.h"
