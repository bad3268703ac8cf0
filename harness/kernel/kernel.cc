#define DWH_KERNEL_IMPL 1
#include "harness/kernel/kernel.h"

#include <optional>

#include "harness/runtime/invisible.h"

namespace kernel {

namespace {
rt::Execution& ex() {
  return rt::Execution::current();
}

// One quiet scope over a run of harness steps (World calls and scheduling
// points) on sim, where each of them would otherwise open its own: under
// ThreadSanitizer each one records a stack (World::quiet_scopes()). Nothing on
// the os runtime.
class HarnessSteps {
 public:
  explicit HarnessSteps(const World& w) {
    if (w.quiet_scopes()) quiet_.emplace();
  }

 private:
  std::optional<rt::QuietAccesses> quiet_;
};
}  // namespace

std::string errname(int err) {
  switch (err) {
    case 0:
      return "0";
    case -EPERM:
      return "-EPERM";
    case -ENOMEM:
      return "-ENOMEM";
    case -EAGAIN:
      return "-EAGAIN";
    case -EBUSY:
      return "-EBUSY";
    case -EINVAL:
      return "-EINVAL";
    case -ECANCELED:
      return "-ECANCELED";
    default:
      return std::to_string(err);
  }
}

void mutex_lock_at(mutex* m, const rt::Site* site) {
  ex().lock_mutex(m->m, site);
}
bool mutex_trylock_at(mutex* m, const rt::Site* site) {
  return ex().trylock_mutex(m->m, site);
}
void mutex_unlock_at(mutex* m, const rt::Site* site) {
  ex().unlock_mutex(m->m, site);
}

void init_completion_at(completion* c, const rt::Site* site) {
  ex().event_init(c->e, site);
}
void reinit_completion_at(completion* c, const rt::Site* site) {
  ex().event_init(c->e, site);
}
void complete_at(completion* c, const rt::Site* site) {
  // The owner is read before the scheduling point: the request may die there,
  // and the check must not read its memory (a real free under ASan).
  const Tracked* owner = c->owner;
  HarnessSteps steps(World::current());
  ex().point(site);
  ex().declare_access(owner ? static_cast<const void*>(owner) : &c->e);
  // A dead request is reported and not completed: sim's report ends the run
  // here, and on os the run winds down, where the signal would write the dead
  // request's completion (ThreadSanitizer reported that write as a race with
  // the destruction).
  if (owner && !World::current().check(owner, site)) return;
  ex().event_signal(c->e, nullptr);
}
void wait_for_completion_at(completion* c, const rt::Site* site) {
  ex().event_wait(c->e, site);
}

void check_alive_at(const Tracked* obj, const rt::Site* site) {
  if (!obj) return;
  ex().declare_access(obj);
  World::current().check(obj, site);
}

bool touch_at(const Tracked* obj, const rt::Site* site) {
  World& w = World::current();
  HarnessSteps steps(w);
  ex().point(site);
  ex().declare_access(obj);
  return !obj || w.check(obj, site);
}

TaskResult kthread_run_at(int (*fn)(void*), void* data, std::string name, const rt::Site* site) {
  World& w = World::current();
  ex().point(site);
  if (w.faults.fail_kthread_run > 0) {
    w.faults.fail_kthread_run--;
    return TaskResult{nullptr, -ENOMEM};
  }
  auto* t = new task_struct();
  t->comm = name;
  t->usage.store(1);  // the thread's own reference, dropped when it exits
  w.born(t, "task_struct", Owner::kHeap, "kthread_run", site);
  t->tid = ex().spawn(std::move(name), rt::ThreadKind::kKthread, [t, fn, data] {
    World::current().set_task(rt::Execution::current().self(), t);
    const int r = fn(data);
    t->result = r;
    put_task_struct_at(t, RT_SITE("kthread exit"));
  });
  return TaskResult{t, 0};
}

task_struct* current_task() {
  return World::current().task_of(ex().self());
}

bool kthread_should_stop_at(const rt::Site* site) {
  task_struct* t;
  {
    HarnessSteps steps(World::current());
    t = current_task();
    if (!t) return false;
    touch_at(t, site);
  }
  return t->should_stop.load();
}

void get_task_struct_at(task_struct* t, const rt::Site* site) {
  touch_at(t, site);
  t->usage.fetch_add(1);
}

void put_task_struct_at(task_struct* t, const rt::Site* site) {
  touch_at(t, site);
  if (t->usage.fetch_sub(1) == 1) World::current().died(t, site);
}

int kthread_stop_at(task_struct* t, const rt::Site* site) {
  touch_at(t, site);
  t->should_stop.store(true);
  ex().wake(t->tid, site);
  ex().join(t->tid, site);
  check_alive_at(t, site);
  return t->result;
}

int kthread_stop_put_at(task_struct* t, const rt::Site* site) {
  const int r = kthread_stop_at(t, site);
  put_task_struct_at(t, site);
  return r;
}

// usleep_range_state() (kernel/time/sleep_timeout.c): "Do not return before the
// requested sleep time has elapsed": a wake-up (kthread_stop()'s) only makes it
// sleep again until the absolute expiry.
void usleep_idle_range_at(uint64_t min_us, uint64_t max_us, const rt::Site* site) {
  (void)max_us;
  const uint64_t end = ex().now_ns() + min_us * 1000;
  for (uint64_t now = ex().now_ns(); now < end; now = ex().now_ns())
    if (!ex().sleep(end - now, site)) break;
}

void schedule_timeout_idle_ms_at(uint64_t ms, const rt::Site* site) {
  ex().sleep(ms * 1000000, site);
}

void kfree_at(Tracked* obj, const rt::Site* site) {
  if (!obj) return;
  ex().point(site);
  ex().declare_access(obj);
  World::current().died(obj, site);
}

CallerFrame::CallerFrame(std::string_view owner) : owner_(owner) {}

CallerFrame::~CallerFrame() {
  if (!rt::Execution::current_or_null()) return;
  World& w = World::current();
  for (auto it = objs_.rbegin(); it != objs_.rend(); ++it) {
    rt::Execution::current().declare_access(*it);
    if (w.alive(*it)) w.died(*it, RT_SITE("return"));
  }
}

}  // namespace kernel
