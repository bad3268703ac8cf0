// Systematic search of a run's scheduling decisions (stateless model checking,
// as CHESS and loom do): depth first over the decisions with a choice, each
// execution re-run from the start along a prefix of earlier choices. A
// preemption is a decision that departs from the default policy (schedule.h),
// so a schedule with k preemptions is exactly a recorded schedule of k entries
// (delay bounding, Emmi, Qadeer and Rakamaric, POPL'11); the bound caps them.
//
// Sleep sets (Godefroid) prune schedules that only reorder commuting
// transitions. A transition is what runs between two decisions; its Footprint
// (strategy.h) is recorded by the runtime. Two transitions commute unless one
// is global or both touch one object; any thread switch without a decision,
// timer, thread start or end, or access to shared state without an object
// makes a transition global, so the reduction errs towards running more.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "harness/runtime/strategy.h"

namespace rt {

class DfsStrategy final : public Strategy {
 public:
  DfsStrategy(int max_preemptions, bool sleep_sets)
      : bound_(max_preemptions), sleep_sets_(sleep_sets) {}
  void begin(uint64_t run_index) override;
  size_t pick(std::span<const Candidate> cands, size_t default_idx, int current,
              bool at_acquire) override;
  std::string describe() const override;
  bool wants_footprints() const override { return sleep_sets_; }
  void transition_done(const Footprint& fp) override;

  // After an execution: sets up the next unexplored schedule; false once every
  // schedule within the bound has been run.
  bool advance();
  // The execution just run did not follow its forced prefix (the same choices
  // gave other candidates): the program is not deterministic under the runtime.
  bool diverged() const { return diverged_; }
  // Every enabled thread at some decision of the execution just run was in the
  // sleep set: it reordered commuting transitions of an earlier execution.
  bool redundant() const { return redundant_; }
  // Preemptions taken by the execution just run.
  int preemptions() const { return cost_; }
  int bound() const { return bound_; }

 private:
  using Sleep = std::vector<std::pair<int, Footprint>>;
  struct Node {
    boost::container::small_vector<Candidate, 8> cands;
    uint8_t def = 0;
    uint8_t chosen = 0;
    int cost = 0;       // preemptions before this decision
    uint64_t done = 0;  // candidate indexes chosen so far
    Sleep sleep;        // threads not to run here (their transition commutes)
    Sleep explored;     // earlier choices here, with their footprints
  };
  bool asleep(const Node& n, int tid) const;
  bool allowed(const Node& n, size_t i) const;

  int bound_;
  bool sleep_sets_;
  std::vector<Node> stack_;
  std::vector<Footprint> fps_;  // footprint of the choice at stack_[i], this execution
  size_t pos_ = 0;
  int cost_ = 0;
  bool diverged_ = false;
  bool redundant_ = false;
};

}  // namespace rt
