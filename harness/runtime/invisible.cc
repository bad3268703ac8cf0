#include "harness/runtime/invisible.h"

// Without ThreadSanitizer the scopes are inline and empty (invisible.h).
#ifdef DWH_INVISIBLE_TSAN
extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
}

namespace rt {

// ThreadSanitizer keeps one ignore counter for reads and writes: its
// AnnotateIgnoreReadsBegin and AnnotateIgnoreWritesBegin both enter the same
// ignore (ThreadIgnoreBegin), so one of them hides both kinds of access. Each
// begin costs a stack-depot insertion, so the scopes make one.
Invisible::Invisible() {
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
}

Invisible::~Invisible() {
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}

namespace {
// Shared by the fibers of an OS thread; exchange_quiet_depth() swaps it at
// every fiber switch. Not instrumented: under ThreadSanitizer the fibers would
// look like threads racing on it.
thread_local int tl_quiet_depth = 0;
}  // namespace

__attribute__((no_sanitize("thread"))) QuietAccesses::QuietAccesses() {
  if (tl_quiet_depth++ == 0) AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
}

__attribute__((no_sanitize("thread"))) QuietAccesses::~QuietAccesses() {
  if (--tl_quiet_depth == 0) AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}

__attribute__((no_sanitize("thread"))) int exchange_quiet_depth(int depth) {
  const int old = tl_quiet_depth;
  tl_quiet_depth = depth;
  return old;
}

}  // namespace rt
#else
namespace rt {
int exchange_quiet_depth(int depth) {
  return depth;
}
}  // namespace rt
#endif  // DWH_INVISIBLE_TSAN
