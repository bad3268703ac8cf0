// The executor on the os runtime (real threads): what only real concurrency
// can break in the caller-side layer itself.
#include <gtest/gtest.h>

#include <string>

#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "program_testing.h"

namespace {

using program::testing::parse_text;

// One client re-creates the context while the other walks it. A call counts
// itself in flight and reads the slot in one step against the re-create's check
// and swap; when the two were separate, a walk on real threads could read the
// slot after the re-create emptied it (a NULL ctx) or destroyed it (a freed
// one), and the process crashed. Every run must end as `ok` or as the caller
// bug the re-create reports, never in a crash.
TEST(ExecutorOs, RecreateRacingWalksNeverUsesAGoneCtx) {
  std::string text = "damon-harness program v1\n";
  for (int i = 0; i < 6; i++) text += "cpu0: recreate ctx0\n";
  for (int i = 0; i < 6; i++) text += "cpu1: walk ctx0\n";
  const program::Program p = parse_text(text);
  program::RunConfig cfg;
  cfg.profile = program::find_profile("pause-rfc");
  cfg.runtime = rt::RuntimeKind::kOs;
  cfg.options.watchdog_ms = 10000;
  cfg.options.watchdog_abort = false;
  int contract = 0;
  for (int i = 0; i < 5000; i++) {
    const program::Outcome o = program::execute(p, cfg);
    ASSERT_TRUE(o.verdict == rt::Verdict::kOk || o.verdict == rt::Verdict::kCallerContract)
        << "run " << i << ": " << o.summary();
    contract += o.verdict == rt::Verdict::kCallerContract;
  }
  // Not a requirement of the fix; shows that the race was exercised.
  RecordProperty("caller_contract_runs", contract);
}

}  // namespace
