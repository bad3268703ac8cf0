#include "harness/runtime/fiber_stack.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DWH_HAVE_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define DWH_HAVE_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define DWH_HAVE_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define DWH_HAVE_TSAN 1
#endif
// This file is built with -fno-sanitize=thread (see fiber.h), so the feature
// test above is false in a TSan build: the build system says so instead.
#if defined(DWH_TSAN)
#define DWH_HAVE_TSAN 1
#endif

#ifdef DWH_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef DWH_HAVE_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace rt {

namespace {
// A pooled stack and, under ASan with detect_stack_use_after_return, the fake
// stack its last fiber left (see returned_fake_stack_slot()).
struct Pooled {
  void* mem;
  void* fake;
};
struct Pool {
  std::vector<Pooled> free;
  std::vector<Pooled> retired;  // TSan: freed during the current execution
  ~Pool() {
    // The fake stacks are ASan's own mappings, which only ASan can unmap (by a
    // fiber exit): an OS thread that ends leaves its few behind.
    for (const Pooled& p : free) std::free(p.mem);
    for (const Pooled& p : retired) std::free(p.mem);
  }
};
thread_local Pool tl_pool;
thread_local StackRange tl_last;
thread_local void* tl_last_fake = nullptr;
// The fiber whose entry has just returned on this OS thread, which Boost frees
// right after the switch away from it: its stack, where the frames still on it
// begin (stack_returned()), and its fake stack, saved at that switch.
struct Returned {
  const void* bottom = nullptr;
  const void* frames = nullptr;
  void* fake = nullptr;
};
thread_local Returned tl_returned;
#ifdef DWH_HAVE_TSAN
// TSan fibers of finished model threads, reused as the stacks are (see
// recycle_fiber_stacks()). A TSan fiber is a whole TSan thread: creating one maps
// its state and a shadow stack, the first run page-faults them in, and
// destroying one unmaps both; a run creates a handful. A fiber whose entry
// returned has an empty shadow stack and no ignore scope open, so the next model
// thread starts in it as in a new one, except that it knows what its earlier
// model thread did, which every new thread learns anyway: run() acquires every
// thread at its end and a new thread acquires its creator. Destroyed when the
// OS thread ends (for the main thread, in exit(), before ThreadSanitizer's own
// exit handler): a pooled fiber is a live TSan thread, and with one alive TSan
// sleeps a second (atexit_sleep_ms) before exiting, which made a second of
// every sim process. None of them is running: the OS thread is back on its own
// fiber.
struct TsanFiberPool {
  std::vector<void*> free;
  std::vector<void*> retired;  // finished during the current execution
  ~TsanFiberPool() {
    for (void* f : free) __tsan_destroy_fiber(f);
    for (void* f : retired) __tsan_destroy_fiber(f);
  }
};
thread_local TsanFiberPool tl_tsan_fibers;
#endif
}  // namespace

size_t PooledStack::stack_size() {
#if defined(DWH_HAVE_ASAN) || defined(DWH_HAVE_TSAN)
  return 512 * 1024;
#else
  return 128 * 1024;
#endif
}

boost::context::stack_context PooledStack::allocate() {
  const size_t size = stack_size();
  void* p;
  tl_last_fake = nullptr;
  if (!tl_pool.free.empty()) {
    p = tl_pool.free.back().mem;
    tl_last_fake = tl_pool.free.back().fake;
    tl_pool.free.pop_back();
  } else {
    p = std::aligned_alloc(64, size);
    if (!p) throw std::bad_alloc();
  }
  tl_last = StackRange{p, size};
  boost::context::stack_context sc;
  sc.size = size;
  sc.sp = static_cast<char*>(p) + size;
  return sc;
}

StackRange last_stack() {
  return tl_last;
}

void* last_fake_stack() {
  return tl_last_fake;
}

void** returned_fake_stack_slot() {
  return &tl_returned.fake;
}

// Out of line, so its frame lies below every local of its caller.
__attribute__((noinline)) const void* caller_frames() {
  return __builtin_frame_address(0);
}

void stack_returned(StackRange stack, const void* frames) {
  tl_returned.bottom = stack.bottom;
  tl_returned.frames = frames;
}

#ifdef DWH_HAVE_ASAN
namespace {
// Clears the shadow of a whole stack in pieces whose shadow is below ASan's
// clear_shadow_mmap_threshold (64 KiB by default): a larger piece is cleared by
// mapping fresh zero pages over its shadow, and the next fiber on this stack
// takes a page fault for every shadow page it touches again.
void unpoison_stack(void* p, size_t size) {
  constexpr size_t kPiece = 256 * 1024;  // 32 KiB of shadow
  for (size_t off = 0; off < size; off += kPiece) {
    __asan_unpoison_memory_region(static_cast<char*>(p) + off, std::min(kPiece, size - off));
  }
}
}  // namespace
#endif

bool pooled_stack_poisoned() {
#ifdef DWH_HAVE_ASAN
  const size_t size = PooledStack::stack_size();
  for (const Pooled& p : tl_pool.free) {
    if (__asan_region_is_poisoned(p.mem, size)) return true;
  }
#endif
  return false;
}

void PooledStack::deallocate(boost::context::stack_context& sc) noexcept {
  void* p = static_cast<char*>(sc.sp) - sc.size;
#ifdef DWH_HAVE_ASAN
  // A fiber whose entry returned has popped every frame it pushed, and every
  // exception it threw on the way unpoisoned the frames it unwound (ASan's
  // __cxa_throw hook, which knows the fiber's bounds from the switch
  // annotations). What is left are Boost's entry frames above it, which never
  // return, and the shadow of those few hundred bytes is cleared. Any other
  // fiber, one Boost unwound while suspended, gets its whole stack cleared. The
  // FiberStack tests check both.
  if (p == tl_returned.bottom) {
    char* from = static_cast<char*>(const_cast<void*>(tl_returned.frames));
    from = reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(from) & ~uintptr_t{63});
    char* top = static_cast<char*>(sc.sp);
    if (from < static_cast<char*>(p) || from > top) from = static_cast<char*>(p);
    unpoison_stack(from, top - from);
  } else {
    unpoison_stack(p, sc.size);
  }
#endif
  // A returned fiber's fake stack stays with its stack, for the next fiber on
  // it: creating one per fiber maps, clears and unmaps several hundred KiB
  // (with OSS-Fuzz's max_uar_stack_size_log=16), several times a run. Every
  // frame on it was released when its function returned; Boost's entry
  // frames, which never return, are built without fake frames (CMakeLists.txt).
  // A fiber Boost unwound ended without the switch that saves it.
  const Pooled entry{p, p == tl_returned.bottom ? tl_returned.fake : nullptr};
  tl_returned = Returned{};
#ifdef DWH_HAVE_TSAN
  // Not reused within the execution: to ThreadSanitizer a stack reused by a
  // later fiber of the same run would look like memory shared, unordered,
  // between two model threads. recycle_fiber_stacks() makes it reusable once
  // the run is over.
  tl_pool.retired.push_back(entry);
#else
  tl_pool.free.push_back(entry);
#endif
}

void recycle_fiber_stacks() {
  tl_pool.free.insert(tl_pool.free.end(), tl_pool.retired.begin(), tl_pool.retired.end());
  tl_pool.retired.clear();
#ifdef DWH_HAVE_TSAN
  TsanFiberPool& f = tl_tsan_fibers;
  f.free.insert(f.free.end(), f.retired.begin(), f.retired.end());
  f.retired.clear();
#endif
}

void before_switch(void* to_tsan, StackRange to, void** fake_stack) {
#ifdef DWH_HAVE_ASAN
  __sanitizer_start_switch_fiber(fake_stack, to.bottom, to.size);
#else
  (void)to;
  (void)fake_stack;
#endif
#ifdef DWH_HAVE_TSAN
  // no-sync: a switch is not a happens-before edge; the primitives annotate
  // their own synchronisation, so TSan still sees races between model threads.
  __tsan_switch_to_fiber(to_tsan, __tsan_switch_to_fiber_no_sync);
#else
  (void)to_tsan;
#endif
}

void after_switch(void* fake_stack, StackRange* from) {
#ifdef DWH_HAVE_ASAN
  const void* bottom = nullptr;
  size_t size = 0;
  __sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
  if (from) *from = StackRange{bottom, size};
#else
  (void)fake_stack;
  (void)from;
#endif
}

void* tsan_current_fiber() {
#ifdef DWH_HAVE_TSAN
  return __tsan_get_current_fiber();
#else
  return nullptr;
#endif
}

void* tsan_create_fiber() {
#ifdef DWH_HAVE_TSAN
  std::vector<void*>& free = tl_tsan_fibers.free;
  if (free.empty()) return __tsan_create_fiber(0);
  void* f = free.back();
  free.pop_back();
  return f;
#else
  return nullptr;
#endif
}

void tsan_destroy_fiber(void* f, bool finished) {
#ifdef DWH_HAVE_TSAN
  if (!f) return;
  // An unfinished fiber may be suspended inside an ignore scope, with frames on
  // its shadow stack: not reusable.
  if (finished) {
    tl_tsan_fibers.retired.push_back(f);
  } else {
    __tsan_destroy_fiber(f);
  }
#else
  (void)f;
  (void)finished;
#endif
}

void tsan_release(const void* addr) {
#ifdef DWH_HAVE_TSAN
  __tsan_release(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}

void tsan_acquire(const void* addr) {
#ifdef DWH_HAVE_TSAN
  __tsan_acquire(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}

}  // namespace rt
