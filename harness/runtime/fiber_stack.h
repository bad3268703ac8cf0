// Fiber stacks and the sanitizer annotations of a fiber switch. Stacks are
// pooled per OS thread, because a run creates a handful of fibers and a fuzzer
// makes tens of thousands of runs a second.
#pragma once

#include <boost/context/stack_context.hpp>
#include <cstddef>

namespace rt {

struct StackRange {
  const void* bottom = nullptr;
  size_t size = 0;
};

// A Boost.Context StackAllocator backed by a per-thread free list.
class PooledStack {
 public:
  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& sc) noexcept;
  static size_t stack_size();
};
// The range of the stack most recently handed out on this OS thread.
StackRange last_stack();
// ASan's fake stack (detect_stack_use_after_return) that the last fiber on
// that stack left, for the new fiber's first switch; nullptr when there is none
// (ASan then makes one when the fiber first needs it).
void* last_fake_stack();
// A returning fiber's last before_switch() saves its fake stack here instead of
// destroying it, and deallocate() keeps it with the stack.
void** returned_fake_stack_slot();
// The entry of the fiber on `stack` has returned: every frame below `frames`
// (an address in the frame of a function the entry wrapper called first) is
// popped, so deallocate() clears the ASan shadow only from there to the top.
void stack_returned(StackRange stack, const void* frames);
// An address just below the caller's frame.
const void* caller_frames();
// Whether any byte of a stack in this OS thread's free list is poisoned to ASan
// (false without ASan): a stack handed out poisoned gives false reports.
bool pooled_stack_poisoned();
// Under ThreadSanitizer a finished fiber's stack, and its TSan fiber, wait for
// this call before they are handed out again. The sim runtime calls it when an execution begins:
// every fiber of an earlier execution on this OS thread has finished, and its run happens before
// everything of the new one (run() acquires every thread at its end; a new thread acquires its
// creator), so reusing the memory hides nothing and shows nothing false. Elsewhere stacks are
// reused at once.
void recycle_fiber_stacks();

// Sanitizer hooks around one switch. `to_tsan` is the TSan fiber being switched
// to; `to` the stack being switched to; `fake_stack` ASan's save slot (nullptr
// when the current fiber is finishing for good).
void before_switch(void* to_tsan, StackRange to, void** fake_stack);
// Right after a switch lands; fills `from` with the stack we came from.
void after_switch(void* fake_stack, StackRange* from);
void* tsan_current_fiber();
// A TSan fiber for a new model thread: a pooled one when there is one.
void* tsan_create_fiber();
// Done with `f`; a fiber whose entry returned (`finished`) goes back to the pool
// at the next recycle_fiber_stacks(), any other is destroyed.
void tsan_destroy_fiber(void* f, bool finished);
// Happens-before edges between model threads for ThreadSanitizer in the sim
// runtime, where fiber switches carry no synchronisation of their own.
void tsan_release(const void* addr);
void tsan_acquire(const void* addr);

}  // namespace rt
