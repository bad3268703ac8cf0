// The trace of a run as text: one line per scheduling point, block, wake-up,
// thread start and exit ("  42  0 cpu0       damos_walk:register request"), and
// the notes the executor leaves (each operation and its return value).
#pragma once

#include <string>
#include <vector>

#include "harness/program/executor.h"

namespace cli {

std::vector<std::string> trace_lines(const rt::RunResult& run);
// "trace:" and the lines, or a hint when the run kept no trace (os runtime).
void print_trace(const rt::RunResult& run);

}  // namespace cli
