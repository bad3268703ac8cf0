#include <memory>

#include "harness/runtime/strategy.h"

namespace rt {

namespace {

// Replays a schedule: the default policy, except at the recorded preemptions.
class ScheduleStrategy final : public Strategy {
 public:
  explicit ScheduleStrategy(Schedule s) : s_(std::move(s)) {}
  void begin(uint64_t) override {
    next_ = 0;
    count_ = 0;
  }
  size_t pick(std::span<const Candidate> cands, size_t default_idx, int, bool) override {
    if (next_ >= s_.preemptions.size()) return default_idx;
    const Preemption& p = s_.preemptions[next_];
    if (count_ < p.delay) {
      count_++;
      return default_idx;
    }
    next_++;
    count_ = 0;
    for (size_t i = 0; i < cands.size(); i++) {
      if (cands[i].tid == p.tid) return i;
    }
    return default_idx;  // the target cannot run here: the preemption is void
  }
  std::string describe() const override {
    return "schedule(" + std::to_string(s_.preemptions.size()) + " preemptions)";
  }

 private:
  Schedule s_;
  size_t next_ = 0;
  uint32_t count_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_schedule_strategy(Schedule s) {
  if (s.pct) return make_given_pct_strategy(*s.pct);
  return std::make_unique<ScheduleStrategy>(std::move(s));
}

}  // namespace rt
