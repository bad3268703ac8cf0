#include "harness/runtime/fiber.h"

#include "harness/runtime/invisible.h"

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
  // The fiber starts after everything its creator did so far, as a new TSan
  // fiber would by itself: it may be a pooled one (tsan_create_fiber()).
  const Fiber* self = &fb;
  tsan_release(self);
  fb.f = boost::context::fiber(
      std::allocator_arg, PooledStack(), [entry, arg, self](boost::context::fiber&& s) {
        const void* frames = caller_frames();
        after_switch(self->fake_start, &tl_sched_stack);
        tsan_acquire(self);
        tl_sched = std::move(s);
        entry(arg);
        stack_returned(self->stack, frames);
        before_switch(tl_sched_tsan, tl_sched_stack, returned_fake_stack_slot());
        return std::move(tl_sched);
      });
  fb.stack = last_stack();
  fb.fake_start = last_fake_stack();
}

void fiber_resume(Fiber& fb) {
  void* fake = nullptr;
#ifdef DWH_TSAN
  // Every switch goes through here: the fiber runs with its own QuietAccesses
  // depth, and the scheduler gets its own back (invisible.h).
  const int sched_depth = exchange_quiet_depth(fb.quiet_depth);
#endif
  before_switch(fb.tsan, fb.stack, &fake);
  fb.f = std::move(fb.f).resume();
  after_switch(fake, nullptr);
#ifdef DWH_TSAN
  fb.quiet_depth = exchange_quiet_depth(sched_depth);
#endif
}

void fiber_yield() {
  void* fake = nullptr;
  before_switch(tl_sched_tsan, tl_sched_stack, &fake);
  tl_sched = std::move(tl_sched).resume();
  after_switch(fake, &tl_sched_stack);
}

void fiber_destroy(Fiber& fb) {
  // A Boost fiber whose entry has returned is empty.
  tsan_destroy_fiber(fb.tsan, !fb.f);
  fb.tsan = nullptr;
}

}  // namespace rt
