// Pooled fiber stacks under AddressSanitizer. A stack goes back to the pool and
// is handed to the next fiber as it is; a byte left poisoned on it would make
// ASan report a stack-buffer-overflow in a later, correct run. deallocate()
// skips clearing the shadow of a fiber whose entry returned, and clears it for
// any other fiber; these tests check both halves. Without ASan there is no
// shadow, and they are skipped.
#include <gtest/gtest.h>

#include <stdexcept>

#include "harness/kernel/kernel.h"
#include "harness/runtime/fiber.h"
#include "harness/runtime/fiber_stack.h"
#include "harness/runtime/strategy.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DWH_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define DWH_TEST_ASAN 1
#endif
#ifdef DWH_TEST_ASAN
#include <sanitizer/asan_interface.h>
// ASan's run-time switch for fake stacks (ASAN_OPTIONS=detect_stack_use_after_return=1).
extern "C" int __asan_option_detect_stack_use_after_return;
#endif

namespace {

#ifndef DWH_TEST_ASAN
#define SKIP_WITHOUT_ASAN() GTEST_SKIP() << "no ASan shadow in this build"
#else
#define SKIP_WITHOUT_ASAN() (void)0
#endif

// A frame with a local whose address escapes, so ASan puts redzones around it,
// `depth` frames deep; at the bottom it throws or takes a scheduling point.
__attribute__((noinline)) int deep(rt::Execution& e, int depth, bool throw_at_bottom) {
  char buf[96];
  volatile char* escape = buf;
  escape[depth % 96] = static_cast<char>(depth);
  if (depth == 0) {
    if (throw_at_bottom) throw std::runtime_error("bottom");
    e.sleep(1000, RT_SITE("bottom of the stack"));
    return escape[0];
  }
  return deep(e, depth - 1, throw_at_bottom) + escape[depth % 96];
}

std::unique_ptr<rt::Execution> sim(uint64_t seed, rt::Options o = {}) {
  static std::unique_ptr<rt::Strategy> s;
  s = rt::make_random_strategy(seed);
  return rt::make_sim_execution(*s, 0, o);
}

// Fibers that return, some after catching an exception thrown 40 frames down,
// leave nothing poisoned behind, though their stacks were not cleared.
TEST(FiberStack, ReturnedFibersLeaveTheirStacksClean) {
  SKIP_WITHOUT_ASAN();
  for (uint64_t seed = 1; seed <= 20; seed++) {
    {
      auto e = sim(seed);
      kernel::World w;
      w.attach(*e);
      for (const char* n : {"cpu0", "cpu1", "cpu2"}) {
        e->spawn(n, rt::ThreadKind::kClient, [&e, seed] {
          deep(*e, 40, false);
          try {
            deep(*e, 40, true);
            ADD_FAILURE() << "no exception";
          } catch (const std::runtime_error&) {
          }
          deep(*e, static_cast<int>(seed), false);
        });
      }
      rt::RunResult r = e->run();
      ASSERT_EQ(r.verdict, rt::Verdict::kOk) << "seed " << seed;
    }
    EXPECT_FALSE(rt::pooled_stack_poisoned()) << "seed " << seed;
  }
}

// A run the step cap ends unwinds a thread blocked 40 frames down; its
// stack comes back clean too.
TEST(FiberStack, AnUnwoundRunLeavesItsStacksClean) {
  SKIP_WITHOUT_ASAN();
  rt::Options o;
  o.max_steps = 500;
  {
    auto e = sim(3, o);
    kernel::World w;
    w.attach(*e);
    kernel::completion never("never");
    e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
      deep(*e, 40, false);
      wait_for_completion(&never);
    });
    e->spawn("spinner", rt::ThreadKind::kKthread, [&] {
      for (;;) deep(*e, 40, false);
    });
    rt::RunResult r = e->run();
    ASSERT_EQ(r.verdict, rt::Verdict::kBudgetExhausted);
  }
  EXPECT_FALSE(rt::pooled_stack_poisoned());
}

struct Suspended {
  bool resumed_again = false;
};

__attribute__((noinline)) void deep_yield(int depth) {
  char buf[96];
  volatile char* escape = buf;
  escape[0] = 1;
  if (depth == 0) {
    rt::fiber_yield();
    return;
  }
  deep_yield(depth - 1);
}

// A fiber destroyed while it is suspended did not return: its stack is cleared.
// The test poisons part of it by hand first, as frames that were never unwound
// would, so it fails if deallocate() takes that fiber for a returned one.
TEST(FiberStack, AFiberDestroyedWhileSuspendedGetsItsStackCleared) {
  SKIP_WITHOUT_ASAN();
  rt::fiber_scheduler_begin();
  Suspended state;
  {
    rt::Fiber fb;
    rt::fiber_create(
        fb,
        [](void* arg) {
          deep_yield(40);
          static_cast<Suspended*>(arg)->resumed_again = true;
        },
        &state);
    rt::fiber_resume(fb);
    ASSERT_TRUE(fb.f) << "the fiber should be suspended, not finished";
#ifdef DWH_TEST_ASAN
    const char* bottom = static_cast<const char*>(fb.stack.bottom);
    __asan_poison_memory_region(bottom + 4096, 256);
    __asan_poison_memory_region(bottom + fb.stack.size / 2, 256);
#endif
    rt::fiber_destroy(fb);
  }  // Boost unwinds the suspended fiber here and frees its stack
  EXPECT_FALSE(state.resumed_again);
  EXPECT_FALSE(rt::pooled_stack_poisoned());
}

#ifdef DWH_TEST_ASAN
// detect_stack_use_after_return on for the test's length, as OSS-Fuzz runs.
struct UseAfterReturnOn {
  int old = __asan_option_detect_stack_use_after_return;
  UseAfterReturnOn() { __asan_option_detect_stack_use_after_return = 1; }
  ~UseAfterReturnOn() { __asan_option_detect_stack_use_after_return = old; }
};

// Hands out the address of its local, which lives on the fake stack.
__attribute__((noinline)) void leak_local(int** out) {
  int x = 7;
  volatile int* escape = &x;
  *out = const_cast<int*>(escape);
}

struct Probe {
  void* fake = nullptr;  // the fiber's fake stack, once it has one
  bool use_after_return = false;
};

void probe_fiber(void* arg) {
  auto* p = static_cast<Probe*>(arg);
  int* dangling = nullptr;
  leak_local(&dangling);  // the fiber now has a fake stack
  p->fake = __asan_get_current_fake_stack();
  if (p->use_after_return) *static_cast<volatile int*>(dangling) = 1;
}

// One fiber from creation to its return.
void run_fiber(Probe* p, void** fake_start = nullptr) {
  rt::Fiber fb;
  rt::fiber_create(fb, probe_fiber, p);
  if (fake_start) *fake_start = fb.fake_start;
  rt::fiber_resume(fb);
  rt::fiber_destroy(fb);
}

void use_after_return_on_a_reused_fake_stack() {
  UseAfterReturnOn uar;
  rt::fiber_scheduler_begin();
  Probe first;
  run_fiber(&first);
  Probe second;
  second.use_after_return = true;
  run_fiber(&second);
}
#endif

// With detect_stack_use_after_return, a fiber's fake stack stays with its
// pooled stack, and the next fiber on that stack starts on it.
TEST(FiberStack, TheNextFiberStartsOnTheFakeStackALastFiberLeft) {
  SKIP_WITHOUT_ASAN();
#ifdef DWH_TEST_ASAN
  UseAfterReturnOn uar;
  rt::fiber_scheduler_begin();
  Probe first, second;
  run_fiber(&first);
  ASSERT_NE(first.fake, nullptr) << "the fiber got no fake stack";
  void* start = nullptr;
  run_fiber(&second, &start);
  EXPECT_EQ(start, first.fake) << "the finished fiber's fake stack was not pooled";
  EXPECT_EQ(second.fake, first.fake);
#endif
}

// A reused fake stack still catches a use after return.
TEST(FiberStackDeathTest, AUseAfterReturnOnAReusedFakeStackIsReported) {
  SKIP_WITHOUT_ASAN();
#ifdef DWH_TEST_ASAN
  EXPECT_DEATH(use_after_return_on_a_reused_fake_stack(), "stack-use-after-return");
#endif
}

}  // namespace
