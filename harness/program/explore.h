// Systematic search of one program's interleavings on the sim runtime
// (rt::DfsStrategy): every schedule with at most K preemptions, by iterative
// deepening over the bound (0, 1, ..., K), so that the first finding of a kind
// comes from a schedule with the fewest preemptions. The program's own
// schedule line is ignored. The setup thread runs alone before the clients
// (rt::ThreadKind::kSetup): it makes no decisions, so the search spends
// nothing on it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "harness/program/executor.h"

namespace program {

struct ExploreConfig {
  RunConfig run;  // profile and runtime options; runtime must be sim
  int max_preemptions = 2;
  int min_preemptions = 0;     // first bound of the iterative deepening
  uint64_t max_schedules = 0;  // executions over all bounds; 0 = no limit
  double max_seconds = 0;      // wall time; 0 = no limit
  bool sleep_sets = true;
};

struct ExploreBound {
  int preemptions = 0;
  uint64_t schedules = 0;  // executions run at this bound
  uint64_t redundant = 0;  // of them, cut short by the sleep sets
  bool complete = false;   // every schedule within this bound was run
};

struct ExploreResult {
  uint64_t schedules = 0;  // executions, every bound
  uint64_t diverged = 0;   // executions that did not follow their prefix
  double seconds = 0;
  bool stopped = false;  // on_finding asked to stop
  bool budget = false;   // --max-schedules or --time ran out
  std::vector<ExploreBound> bounds;
  // Every schedule with at most max_preemptions was run.
  bool complete() const { return !bounds.empty() && bounds.back().complete && !stopped; }
};

// Called for every execution that ends in a finding, with the preemptions its
// schedule took; returns true to end the search.
using ExploreFindingFn = std::function<bool(const Outcome& o, int preemptions)>;

ExploreResult explore(const Program& p, const ExploreConfig& cfg,
                      const ExploreFindingFn& on_finding);

}  // namespace program
