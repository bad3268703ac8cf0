// The setup block: its operations run in order, to completion, before any
// client starts, on both runtimes, whatever the schedule; and a client sees
// the state they left.
#include <gtest/gtest.h>

#include <string>

#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "program_testing.h"

namespace {

using program::testing::parse_text;

program::RunConfig config(rt::RuntimeKind runtime, program::StrategyKind strategy, uint64_t seed) {
  program::RunConfig cfg;
  cfg.profile = program::find_profile("mm-new");
  cfg.runtime = runtime;
  cfg.strategy = strategy;
  cfg.seed = seed;
  cfg.options.watchdog_ms = 10000;
  return cfg;
}

// "The context is stopped; then ...": a start and a stop in the setup block
// leave a stopped context that has run once, on every schedule. The same ops
// on a client race the is_running check, and some schedules see it running.
TEST(ExecutorSetup, ClientsSeeWhatTheSetupLeft) {
  const program::Program with_setup = parse_text(
      "damon-harness program v2\n"
      "setup: start ctx0\n"
      "setup: stop ctx0\n"
      "cpu0: is_running ctx0\n"
      "cpu1: is_running ctx0\n");
  const program::Program racing = parse_text(
      "damon-harness program v1\n"
      "cpu0: is_running ctx0\n"
      "cpu0: is_running ctx0\n"
      "cpu1: start ctx0\n"
      "cpu1: stop ctx0\n");
  int racing_saw_running = 0;
  for (uint64_t seed = 1; seed <= 200; seed++) {
    const auto cfg = config(rt::RuntimeKind::kSim, program::StrategyKind::kRandom, seed);
    const program::Outcome o = program::execute(with_setup, cfg);
    ASSERT_EQ(o.verdict, rt::Verdict::kOk) << "seed " << seed << ": " << o.summary();
    ASSERT_EQ(o.setup_results.size(), 2u);
    for (const program::OpResult& r : o.setup_results) {
      EXPECT_TRUE(r.returned);
      EXPECT_EQ(r.ret, 0) << r.op;
      EXPECT_EQ(r.client, program::kSetupClient);
    }
    ASSERT_EQ(o.results.size(), 2u);
    for (const program::OpResult& r : o.results) EXPECT_EQ(r.ret, 0) << "seed " << seed;
    const program::Outcome race = program::execute(racing, cfg);
    racing_saw_running += race.results[0].ret == 1 || race.results[1].ret == 1;
  }
  // The twin: without the setup block the order is the schedule's.
  EXPECT_GT(racing_saw_running, 0);
}

// A setup op that waits for the kdamond (a walk on a running context) lets
// the kdamond run, and still no client starts before it returns: the client's
// stop finds the walk done.
TEST(ExecutorSetup, SetupMayWaitForTheKdamond) {
  const program::Program p = parse_text(
      "damon-harness program v2\n"
      "setup: start ctx0\n"
      "setup: walk ctx0\n"
      "setup: is_running ctx0\n"
      "cpu0: stop ctx0\n");
  for (uint64_t seed = 1; seed <= 50; seed++) {
    const program::Outcome o =
        program::execute(p, config(rt::RuntimeKind::kSim, program::StrategyKind::kPct, seed));
    ASSERT_EQ(o.verdict, rt::Verdict::kOk) << "seed " << seed << ": " << o.summary();
    ASSERT_EQ(o.setup_results.size(), 3u);
    EXPECT_EQ(o.setup_results[1].ret, 0) << "walk, seed " << seed;
    EXPECT_EQ(o.setup_results[2].ret, 1) << "is_running, seed " << seed;
    EXPECT_EQ(o.results[0].ret, 0);
  }
}

TEST(ExecutorSetup, OsRuntimeRunsTheSetupFirst) {
  const program::Program p = parse_text(
      "damon-harness program v2\n"
      "setup: start ctx0\n"
      "setup: stop ctx0\n"
      "cpu0: is_running ctx0\n"
      "cpu1: is_running ctx0\n");
  for (int i = 0; i < 50; i++) {
    const program::Outcome o =
        program::execute(p, config(rt::RuntimeKind::kOs, program::StrategyKind::kProgram, 0));
    ASSERT_EQ(o.verdict, rt::Verdict::kOk) << o.summary();
    ASSERT_EQ(o.setup_results.size(), 2u);
    EXPECT_EQ(o.setup_results[0].ret, 0);
    EXPECT_EQ(o.results[0].ret, 0);
    EXPECT_EQ(o.results[1].ret, 0);
  }
}

}  // namespace
