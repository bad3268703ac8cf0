// Runtime-internal: binding executions to the OS thread running them, and the
// tuning constants shared by both runtimes.
#pragma once

#include <cstdint>

namespace rt {

class Execution;
void set_current(Execution* e);

// Default watchdog timeout of the os runtime (DWH_WATCHDOG_MS overrides). Chosen
// from the calibration runs recorded in README ("Watchdog calibration").
inline constexpr uint64_t kDefaultWatchdogMs = 10000;

// Thrown inside a fiber to unwind it when a sim run ends early.
struct AbortRun {};

}  // namespace rt
