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

}  // namespace rt
