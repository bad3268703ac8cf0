#include <memory>

#include "harness/runtime/rng.h"
#include "harness/runtime/strategy.h"

namespace rt {

namespace {

class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(uint64_t seed) : seed_(seed) {}
  void begin(uint64_t run_index) override { rng_ = SplitMix64(seed_ + run_index); }
  size_t pick(std::span<const Candidate> cands, size_t, int, bool) override {
    return static_cast<size_t>(rng_.below(cands.size()));
  }
  std::string describe() const override { return "random(seed=" + std::to_string(seed_) + ")"; }

 private:
  uint64_t seed_;
  SplitMix64 rng_{0};
};

}  // namespace

std::unique_ptr<Strategy> make_random_strategy(uint64_t seed) {
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace rt
