// A wall-clock budget for one os run. The os watchdog sees waits on mutexes,
// completions and joins; a thread that polls (sleeps in a loop until a condition
// that never comes, like damon_call_wait_stopped()) is invisible to it and the run
// would never end. execute_with_budget() runs execute() on its own thread and
// gives up on it after the budget.
#pragma once

#include <cstdint>
#include <optional>

#include "harness/program/executor.h"

namespace stress {

// The outcome, or nullopt when the run is still going after `budget_ms`: its
// threads are then abandoned (still running), and the caller must end the
// process with _exit() rather than unwind past them.
std::optional<program::Outcome> execute_with_budget(const program::Program& p,
                                                    const program::RunConfig& cfg,
                                                    uint64_t budget_ms);

// The report for a run that overran its budget.
program::Outcome overrun_outcome(const program::Program& p, uint64_t budget_ms);

}  // namespace stress
