#include "harness/runtime/execution.h"

#include <cstdio>
#include <cstdlib>

#include "harness/runtime/current.h"

namespace rt {

namespace {
thread_local Execution* tl_current = nullptr;
}  // namespace

void set_current(Execution* e) {
  tl_current = e;
}

Execution* Execution::current_or_null() {
  return tl_current;
}

Execution& Execution::current() {
  if (!tl_current) {
    std::fprintf(stderr, "damon-harness: primitive used outside an execution\n");
    std::abort();
  }
  return *tl_current;
}

FrameGuard::FrameGuard(const char* name) {
  Execution::current().push_frame(name);
}
FrameGuard::~FrameGuard() {
  Execution::current().pop_frame();
}

uint64_t default_watchdog_ms() {
  if (const char* s = std::getenv("DWH_WATCHDOG_MS")) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (end != s && v > 0) return v;
  }
  return kDefaultWatchdogMs;
}

}  // namespace rt
