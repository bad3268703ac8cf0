// The executor's callers decide only from what an in-tree caller knows
// (docs/model.md, "Callers"). A module's static repeat control is passed to
// damon_call() after every successful start, with no look at the model's state.
#include <gtest/gtest.h>

#include <string>

#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "program_testing.h"

namespace {

using program::testing::parse_text;

constexpr const char* kRepeatProfiles[] = {"v6.17", "v6.19",         "v7.0-rc", "pause-rfc",
                                           "v7.0",  "pause-rfc-fix", "v7.0.y",  "mm-new"};

program::Outcome run(const program::Program& p, const char* profile) {
  program::RunConfig cfg;
  cfg.profile = program::find_profile(profile);
  return program::execute(p, cfg);
}

// The module's own pattern: the exiting kdamond cancels and unlinks the
// control before damon_stop() returns, so re-arming it after the next start
// is fine on every profile.
TEST(ExecutorCallers, ModuleReArmsItsStaticControlAfterEachStart) {
  const program::Program p = parse_text(
      "damon-harness program v1\n"
      "cpu0: start ctx0\ncpu0: call ctx0 repeat\ncpu0: sleep 20\ncpu0: stop ctx0\n"
      "cpu0: start ctx0\ncpu0: call ctx0 repeat\ncpu0: sleep 20\ncpu0: stop ctx0\n");
  for (const char* profile : kRepeatProfiles) {
    const program::Outcome o = run(p, profile);
    EXPECT_EQ(o.verdict, rt::Verdict::kOk) << profile << ": " << o.summary();
    EXPECT_EQ(o.results[1].ret, 0) << profile;
    EXPECT_EQ(o.results[5].ret, 0) << profile;
  }
}

// The planted twin: arming the control again while the running kdamond still
// holds it. The executor no longer skips the call; the model shows the list
// corruption as the caller bug it is.
TEST(ExecutorCallers, ReArmingAQueuedStaticControlIsShownNotSkipped) {
  const program::Program p = parse_text(
      "damon-harness program v1\n"
      "cpu0: start ctx0\ncpu0: call ctx0 repeat\ncpu0: call ctx0 repeat\ncpu0: stop ctx0\n");
  for (const char* profile : kRepeatProfiles) {
    const program::Outcome o = run(p, profile);
    EXPECT_EQ(o.verdict, rt::Verdict::kCallerContract) << profile << ": " << o.summary();
    ASSERT_FALSE(o.run.findings.empty());
    EXPECT_NE(o.run.findings[0].message.find("still linked"), std::string::npos) << profile;
  }
}

}  // namespace
