// Minimisation, separate from search (syzkaller prog/minimization.go): shrink a
// program while a predicate over its outcome keeps holding, running the same
// executor as the fuzzer.
//
// Promises:
//  - the result satisfies `keep` when replayed with StrategyKind::kProgram under
//    `cfg` (its own schedule), or is the input unchanged when the input does not;
//  - it is never larger than the input: no more operations, no more preemptions;
//  - deterministic: the same input, config and predicate give the same result;
//  - bounded: at most MinimizeLimits::max_runs executions.
// Passes, repeated until none makes progress: drop operations (halving chunks,
// then single ops), drop preemptions (merged into the next one's delay, then
// plainly), reduce delays (to 0, then halving). A client left without operations
// is removed and the schedule's thread ids are renumbered to match.
#pragma once

#include <functional>

#include "harness/program/executor.h"

namespace program {

struct MinimizeLimits {
  int max_runs = 3000;
};

struct MinimizeStats {
  int runs = 0;
  bool reproduced = false;  // the input itself satisfied keep
};

using KeepFn = std::function<bool(const Outcome&)>;

Program minimize(const Program& p, const RunConfig& cfg, KeepFn keep);
Program minimize(const Program& p, const RunConfig& cfg, KeepFn keep, MinimizeLimits limits,
                 MinimizeStats* stats);

// Size order used to pick the smallest input: fewer ops, then fewer preemptions,
// then smaller total delay.
bool smaller_program(const Program& a, const Program& b);

// `p` without the operations flagged in drop (indexed in client-major order),
// with the schedule renumbered if trailing clients disappear. Exposed for tests.
Program drop_ops(const Program& p, const std::vector<bool>& drop);

}  // namespace program
