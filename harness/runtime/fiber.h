// Fiber creation and switching, with the sanitizer annotations of every switch.
// The implementation (fiber.cc) is compiled without ThreadSanitizer
// instrumentation: TSan's fiber switch must happen right before the real stack
// switch, with no instrumented frame in between, or TSan's shadow stacks go
// wrong. One scheduler per OS thread.
#pragma once

#include <boost/context/fiber.hpp>

#include "harness/runtime/fiber_stack.h"

namespace rt {

struct Fiber {
  boost::context::fiber f;
  void* tsan = nullptr;
  StackRange stack;
  void* fake_start = nullptr;  // ASan: the pooled fake stack it starts on
  int quiet_depth = 0;         // TSan: its QuietAccesses depth while it is switched out
};

// Called by the scheduler before it resumes any fiber on this OS thread.
void fiber_scheduler_begin();
// Prepares `fb` to run entry(arg) on a pooled stack; does not start it.
void fiber_create(Fiber& fb, void (*entry)(void*), void* arg);
// Scheduler side: run `fb` until it yields or its entry returns.
void fiber_resume(Fiber& fb);
// Fiber side: switch back to the scheduler; returns when resumed again.
void fiber_yield();
// Done with `fb`: the TSan state of a fiber whose entry returned goes back to
// the pool, any other is freed.
void fiber_destroy(Fiber& fb);

}  // namespace rt
