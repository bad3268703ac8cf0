// Random soak of the model in the sim runtime: seeded random programs under the
// random and PCT strategies, on every profile. Every finding kind a profile
// shows must be a documented behaviour of that kernel version
// (docs/findings.md, each with a focused test); anything else fails the soak.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/damon/profile.h"
#include "harness/program/codec.h"
#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "harness/runtime/rng.h"

namespace {

using rt::Verdict;

int soak_runs() {
  const char* s = std::getenv("DWH_SOAK_RUNS");
  return s ? std::atoi(s) : 2000;
}

program::Program random_program(uint64_t seed) {
  rt::SplitMix64 rng(seed);
  std::vector<uint8_t> bytes(8 + rng.below(40));
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.next());
  bytes.back() = 0;  // no preemptions from the bytes: the strategy decides
  return program::decode_bytes(bytes.data(), bytes.size());
}

// What each profile is known to show, each a documented behaviour of that
// kernel version with its own focused test; F-numbers are docs/findings.md.
const std::map<std::string, std::set<Verdict>>& known() {
  // F5 is a hang: a deadlock, or a livelock when another context's kdamond,
  // restarted after the teardown's last stop, keeps the run going. F9: damon_call()
  // reads a dealloc_on_cancel control the exiting kdamond has freed (6.17 on).
  static const std::map<std::string, std::set<Verdict>> k = {
      // F1: W1/C1 leave a dead stack request installed; F2: walk_completed is
      // never reset.
      {"v6.14", {Verdict::kUseAfterFree, Verdict::kReturnContract}},
      // F1 (C2 leaves a stack control linked; sysfs frees a linked control);
      // F3: swapped list_add_tail drops queued requests (lost, leaked); F9; F12.
      {"v6.17", {Verdict::kUseAfterFree, Verdict::kLostRequest, Verdict::kLeak}},
      // F1 (W1 until d210fdcac9c0); F4: stale walk_completed after a cancel;
      // F5: damon_call() vs kdamond_fn() exit race (hang, leaked repeat control); F9;
      // F12: only the last repeat control served is requeued (lost request).
      {"v6.19",
       {Verdict::kUseAfterFree, Verdict::kReturnContract, Verdict::kDeadlock, Verdict::kLivelock,
        Verdict::kLeak, Verdict::kLostRequest}},
      // F4, F5, F9, and F6 (the review thread's scenario, lost request).
      {"v7.0-rc",
       {Verdict::kReturnContract, Verdict::kDeadlock, Verdict::kLivelock, Verdict::kLeak,
        Verdict::kLostRequest, Verdict::kUseAfterFree}},
      {"pause-rfc",
       {Verdict::kReturnContract, Verdict::kDeadlock, Verdict::kLivelock, Verdict::kLeak,
        Verdict::kLostRequest, Verdict::kUseAfterFree}},
      // F4, F5 (the fix is to damos_walk_cancel only), F9.
      {"pause-rfc-fix",
       {Verdict::kReturnContract, Verdict::kDeadlock, Verdict::kLivelock, Verdict::kLeak,
        Verdict::kUseAfterFree}},
      // The v7.0 tag behaves as v7.0-rc (the exit-race fixes came with 7.0.y).
      {"v7.0",
       {Verdict::kReturnContract, Verdict::kDeadlock, Verdict::kLivelock, Verdict::kLeak,
        Verdict::kLostRequest, Verdict::kUseAfterFree}},
      // F4, F9.
      {"v7.0.y", {Verdict::kReturnContract, Verdict::kUseAfterFree}},
      {"mm-new", {Verdict::kReturnContract, Verdict::kUseAfterFree}},
  };
  return k;
}

class Soak : public ::testing::TestWithParam<std::string> {};

TEST_P(Soak, OnlyKnownBehaviours) {
  const program::ProfileInfo* prof = program::find_profile(GetParam());
  ASSERT_NE(prof, nullptr);
  std::map<Verdict, int> counts;
  std::map<Verdict, std::string> example;
  const int runs = soak_runs();
  for (int i = 0; i < runs; i++) {
    program::RunConfig cfg;
    cfg.profile = prof;
    cfg.strategy = i % 2 ? program::StrategyKind::kPct : program::StrategyKind::kRandom;
    cfg.seed = static_cast<uint64_t>(i);
    cfg.options.record_trace = false;
    program::Outcome o = program::execute(random_program(1000 + i), cfg);
    counts[o.verdict]++;
    if (!example.count(o.verdict)) {
      example[o.verdict] = o.summary();
      if (std::getenv("DWH_SOAK_DUMP") && o.verdict != Verdict::kOk) {
        std::printf("---- %s %s\n%s\n%s", GetParam().c_str(), o.summary().c_str(),
                    o.run.findings.empty() ? "" : o.run.findings[0].detail.c_str(),
                    program::print_program(o.replay).c_str());
      }
    }
  }
  ASSERT_TRUE(known().count(GetParam())) << GetParam() << " has no row in known(): add one";
  const std::set<Verdict>& allowed = known().at(GetParam());
  std::printf("soak %-14s", GetParam().c_str());
  for (auto& [v, n] : counts) std::printf(" %s=%d", std::string(rt::verdict_name(v)).c_str(), n);
  std::printf("\n");
  for (auto& [v, n] : counts) {
    if (v == Verdict::kOk || v == Verdict::kCallerContract) continue;
    EXPECT_TRUE(allowed.count(v)) << GetParam() << ": undocumented " << rt::verdict_name(v) << " x"
                                  << n << ", e.g. " << example[v];
  }
  EXPECT_EQ(counts[Verdict::kHarnessBug], 0) << example[Verdict::kHarnessBug];
}

// Every profile of the table, so that a new row cannot skip the soak.
std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const damon::Profile& p : damon::profiles()) names.emplace_back(p.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Profiles, Soak, ::testing::ValuesIn(profile_names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '.' || c == '-') c = '_';
                           return n;
                         });

}  // namespace
