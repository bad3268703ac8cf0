// Harness bookkeeping that ThreadSanitizer must not see: inside an Invisible
// scope, synchronisation creates no happens-before edges and memory accesses
// are not checked. Used for the os runtime's own tables, so that the harness
// neither hides nor invents races between model threads.
#pragma once

namespace rt {

class Invisible {
 public:
  Invisible();
  ~Invisible();
  Invisible(const Invisible&) = delete;
  Invisible& operator=(const Invisible&) = delete;
};

// Like Invisible, but synchronisation stays visible: the sim runtime's own
// bookkeeping is ignored while its acquire/release annotations still order the
// model threads.
class QuietAccesses {
 public:
  QuietAccesses();
  ~QuietAccesses();
  QuietAccesses(const QuietAccesses&) = delete;
  QuietAccesses& operator=(const QuietAccesses&) = delete;
};

}  // namespace rt
