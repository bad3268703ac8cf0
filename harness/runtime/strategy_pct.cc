#include <algorithm>
#include <memory>
#include <vector>

#include "harness/runtime/rng.h"
#include "harness/runtime/strategy.h"

namespace rt {

namespace {

// PCT: each thread gets a random distinct priority when first seen; the highest
// priority candidate runs; at depth-1 steps the running thread's priority drops
// below every other. The steps are random over `expected_steps`, or given
// (a Schedule's PctSchedule, the same every run).
class PctStrategy final : public Strategy {
 public:
  PctStrategy(uint64_t seed, int depth, uint64_t expected_steps)
      : seed_(seed), depth_(std::max(depth, 1)), expected_(std::max<uint64_t>(expected_steps, 1)) {}
  explicit PctStrategy(const PctSchedule& s)
      : seed_(s.seed),
        depth_(static_cast<int>(s.points.size()) + 1),
        fixed_(true),
        acquire_only_(s.acquire_only),
        per_thread_(s.per_thread && !s.points.empty()) {
    given_.assign(s.points.begin(), s.points.end());
  }
  void begin(uint64_t run_index) override {
    rng_ = SplitMix64(fixed_ ? seed_ : seed_ + run_index);
    prio_.clear();
    change_ = given_;
    if (!fixed_)
      for (int i = 0; i < depth_ - 1; i++) change_.push_back(1 + rng_.below(expected_));
    std::sort(change_.begin(), change_.end());
    step_ = 0;
    low_ = 0;
    counts_.clear();
  }
  size_t pick(std::span<const Candidate> cands, size_t, int current, bool at_acquire) override {
    const bool counted = !acquire_only_ || at_acquire;
    if (per_thread_) return pick_per_thread(cands, current, counted);
    if (counted) step_++;
    size_t best = highest(cands);
    if (counted && std::binary_search(change_.begin(), change_.end(), step_)) {
      prio_[cands[best].tid] = --low_;  // below every initial priority
      best = highest(cands);
    }
    return best;
  }
  // The running thread drops at its own given counts; then the highest
  // priority runs.
  size_t pick_per_thread(std::span<const Candidate> cands, int current, bool counted) {
    if (current >= 0 && counted) {
      if (current >= static_cast<int>(counts_.size())) counts_.resize(current + 1, 0);
      const uint32_t n = ++counts_[current];
      if (n <= 512 && current <= 7 &&
          std::binary_search(change_.begin(), change_.end(),
                             uint64_t{PctSchedule::thread_point(current, n)})) {
        priority(current);
        prio_[current] = --low_;
      }
    }
    return highest(cands);
  }
  std::string describe() const override {
    std::string out = "pct(seed=" + std::to_string(seed_) + ",depth=" + std::to_string(depth_);
    if (fixed_) out += std::string(",given ") + (per_thread_ ? "per-thread " : "") + "points";
    if (acquire_only_) out += " at acquire";
    return out + ")";
  }

 private:
  size_t highest(std::span<const Candidate> cands) {
    size_t best = 0;
    for (size_t i = 0; i < cands.size(); i++) {
      if (priority(cands[i].tid) > priority(cands[best].tid)) best = i;
    }
    return best;
  }
  int64_t priority(int tid) {
    if (tid >= static_cast<int>(prio_.size())) prio_.resize(tid + 1, 0);
    if (prio_[tid] == 0) prio_[tid] = 1000 + static_cast<int64_t>(rng_.below(1000000));
    return prio_[tid];
  }
  uint64_t seed_;
  int depth_;
  uint64_t expected_ = 1;
  bool fixed_ = false;
  bool acquire_only_ = false;
  bool per_thread_ = false;
  std::vector<uint32_t> counts_;  // per-thread counted decisions
  std::vector<uint64_t> given_;
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

std::unique_ptr<Strategy> make_given_pct_strategy(const PctSchedule& s) {
  return std::make_unique<PctStrategy>(s);
}

}  // namespace rt
