#include "harness/runtime/fiber.h"

namespace rt {

namespace {
thread_local boost::context::fiber tl_sched;
thread_local void* tl_sched_tsan = nullptr;
thread_local StackRange tl_sched_stack;
}  // namespace

void fiber_scheduler_begin() {
  tl_sched_tsan = tsan_current_fiber();
  // Construct the thread-locals here, on the scheduler, rather than first
  // inside a fiber (ThreadSanitizer would see their exit-time destruction race
  // with a fiber).
  tl_sched = boost::context::fiber();
  tl_sched_stack = StackRange{};
}

void fiber_create(Fiber& fb, void (*entry)(void*), void* arg) {
  fb.tsan = tsan_create_fiber();
  fb.f = boost::context::fiber(std::allocator_arg, PooledStack(),
                               [entry, arg](boost::context::fiber&& s) {
                                 after_switch(nullptr, &tl_sched_stack);
                                 tl_sched = std::move(s);
                                 entry(arg);
                                 before_switch(tl_sched_tsan, tl_sched_stack, nullptr);
                                 return std::move(tl_sched);
                               });
  fb.stack = last_stack();
}

void fiber_resume(Fiber& fb) {
  void* fake = nullptr;
  before_switch(fb.tsan, fb.stack, &fake);
  fb.f = std::move(fb.f).resume();
  after_switch(fake, nullptr);
}

void fiber_yield() {
  void* fake = nullptr;
  before_switch(tl_sched_tsan, tl_sched_stack, &fake);
  tl_sched = std::move(tl_sched).resume();
  after_switch(fake, &tl_sched_stack);
}

void fiber_destroy(Fiber& fb) {
  tsan_destroy_fiber(fb.tsan);
  fb.tsan = nullptr;
}

}  // namespace rt
