#include <algorithm>
#include <memory>
#include <vector>

#include "harness/runtime/rng.h"
#include "harness/runtime/strategy.h"

namespace rt {

namespace {

// PCT: each thread gets a random distinct priority when first seen; the highest
// priority candidate runs; at depth-1 random steps the running thread's
// priority drops below every other.
class PctStrategy final : public Strategy {
 public:
  PctStrategy(uint64_t seed, int depth, uint64_t expected_steps)
      : seed_(seed), depth_(std::max(depth, 1)), expected_(std::max<uint64_t>(expected_steps, 1)) {}
  void begin(uint64_t run_index) override {
    rng_ = SplitMix64(seed_ + run_index);
    prio_.clear();
    change_.clear();
    for (int i = 0; i < depth_ - 1; i++) change_.push_back(1 + rng_.below(expected_));
    std::sort(change_.begin(), change_.end());
    step_ = 0;
    low_ = 0;
  }
  size_t pick(std::span<const Candidate> cands, size_t) override {
    step_++;
    size_t best = 0;
    for (size_t i = 0; i < cands.size(); i++) {
      if (priority(cands[i].tid) > priority(cands[best].tid)) best = i;
    }
    if (std::binary_search(change_.begin(), change_.end(), step_)) {
      prio_[cands[best].tid] = --low_;  // below every initial priority
      best = 0;
      for (size_t i = 0; i < cands.size(); i++) {
        if (priority(cands[i].tid) > priority(cands[best].tid)) best = i;
      }
    }
    return best;
  }
  std::string describe() const override {
    return "pct(seed=" + std::to_string(seed_) + ",depth=" + std::to_string(depth_) + ")";
  }

 private:
  int64_t priority(int tid) {
    if (tid >= static_cast<int>(prio_.size())) prio_.resize(tid + 1, 0);
    if (prio_[tid] == 0) prio_[tid] = 1000 + static_cast<int64_t>(rng_.below(1000000));
    return prio_[tid];
  }
  uint64_t seed_;
  int depth_;
  uint64_t expected_;
  SplitMix64 rng_{0};
  std::vector<int64_t> prio_;
  std::vector<uint64_t> change_;
  uint64_t step_ = 0;
  int64_t low_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_pct_strategy(uint64_t seed, int depth, uint64_t expected_steps) {
  return std::make_unique<PctStrategy>(seed, depth, expected_steps);
}

}  // namespace rt
