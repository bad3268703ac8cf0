// Harness bookkeeping that ThreadSanitizer must not see: inside an Invisible
// scope, synchronisation creates no happens-before edges and memory accesses
// are not checked. Used for the os runtime's own tables, so that the harness
// neither hides nor invents races between model threads.
#pragma once

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DWH_INVISIBLE_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(DWH_INVISIBLE_TSAN)
#define DWH_INVISIBLE_TSAN 1
#endif

// Without ThreadSanitizer both scopes are empty and inline: they stand at every
// scheduling point.
#ifdef DWH_INVISIBLE_TSAN
#define DWH_INVISIBLE_BODY ;
#else
#define DWH_INVISIBLE_BODY \
  {}
#endif

namespace rt {

class Invisible {
 public:
  Invisible() DWH_INVISIBLE_BODY ~Invisible() DWH_INVISIBLE_BODY
      Invisible(const Invisible&) = delete;
  Invisible& operator=(const Invisible&) = delete;
};

// Like Invisible, but synchronisation stays visible: the sim runtime's own
// bookkeeping is ignored while its acquire/release annotations still order the
// model threads. Scopes nest for free: only the outermost one of a thread (or
// sim fiber) annotates, because ThreadSanitizer records the stack at every
// ignore it begins.
class QuietAccesses {
 public:
  QuietAccesses() DWH_INVISIBLE_BODY ~QuietAccesses() DWH_INVISIBLE_BODY
      QuietAccesses(const QuietAccesses&) = delete;
  QuietAccesses& operator=(const QuietAccesses&) = delete;
};

// The QuietAccesses nesting depth is per OS thread, but ThreadSanitizer's
// ignore state is per TSan thread, and a sim fiber is one of its own: the fiber
// switch gives each fiber its own depth with this (sets the calling thread's
// depth, returns the one it replaces). Only in ThreadSanitizer builds, where
// the fiber switch code (built without instrumentation, so without
// DWH_INVISIBLE_TSAN) tests DWH_TSAN instead.
int exchange_quiet_depth(int depth);

}  // namespace rt
