#include "harness/program/liveness.h"

#include <algorithm>

namespace program {

uint64_t longest_period_us(const Program& p, const ProfileInfo& profile) {
  const KdamondTiming& t = profile.timing;
  uint64_t us = std::max({t.sample_us, t.aggr_us, t.wmark_interval_us, t.call_poll_us});
  for (unsigned long a : CtxParams{}.apply_interval_us) us = std::max<uint64_t>(us, a);
  auto scan = [&](const std::vector<Op>& ops) {
    for (const Op& op : ops) {
      if (op.kind != OpKind::kCommit) continue;
      for (int i = 0; i < op.nr_schemes && i < kMaxSchemes; i++)
        us = std::max<uint64_t>(us, uint64_t{op.interval[i]} * t.sample_us);
    }
  };
  scan(p.setup);
  for (const std::vector<Op>& ops : p.ops) scan(ops);
  return us;
}

uint64_t livelock_bound_ns(const Program& p, const ProfileInfo& profile, const rt::Options& o) {
  uint64_t sleep_ms = 0;
  auto scan = [&](const std::vector<Op>& ops) {
    for (const Op& op : ops)
      if (op.kind == OpKind::kSleep) sleep_ms = std::max<uint64_t>(sleep_ms, op.sleep_ms);
  };
  scan(p.setup);
  for (const std::vector<Op>& ops : p.ops) scan(ops);
  const uint64_t period_ns = longest_period_us(p, profile) * 1000;
  return o.teardown_grace_ns + kTeardownRounds * kTeardownPollMs * 1000000 + sleep_ms * 1000000 +
         kLivelockMargin * period_ns * (p.setup.size() + 1);
}

}  // namespace program
