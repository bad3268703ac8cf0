// Runs one program against one profile on one runtime, with every oracle:
// liveness (teardown stops every context; every client call must return), request
// lifetimes, return-code contracts and caller preconditions. The same executor
// serves the fuzz targets, the CLI, the stress runner, triage and minimisation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/kernel/world.h"
#include "harness/program/op.h"
#include "harness/program/profiles.h"
#include "harness/runtime/execution.h"

namespace program {

// Observes the model's accesses to tracked objects (kernel::AccessHook).
using AccessHook = kernel::AccessHook;

enum class StrategyKind : uint8_t {
  kProgram,  // the program's own schedule (replay)
  kRandom,   // seeded random
  kPct,      // PCT, depth RunConfig::pct_depth
};

struct RunConfig {
  const ProfileInfo* profile = nullptr;
  rt::RuntimeKind runtime = rt::RuntimeKind::kSim;
  StrategyKind strategy = StrategyKind::kProgram;
  uint64_t seed = 0;
  int pct_depth = 3;
  rt::Options options;
  AccessHook access_hook = nullptr;
  // sim: decides instead of `strategy` when set (the systematic search's
  // strategy, which lives across executions). Not owned.
  rt::Strategy* external_strategy = nullptr;
};

// The client index the setup block's operations run as (OpResult, owner names).
inline constexpr int kSetupClient = kMaxClients;

struct OpResult {
  int client = 0;
  int index = 0;
  std::string op;  // format_op()
  bool returned = false;
  int ret = 0;  // return value (bool as 0/1 for is_running)
  // "walk ctx0 = -EINVAL": the operation and its return value, as traces and
  // reports print them.
  std::string text() const;
};

struct Outcome {
  rt::Verdict verdict = rt::Verdict::kOk;
  rt::RunResult run;                    // findings, trace, schedule, hash
  std::vector<OpResult> results;        // per op, in program order per client
  std::vector<OpResult> setup_results;  // per setup op (client kSetupClient), in order
  Program replay;                       // the program with the schedule actually run
  bool abandoned = false;       // os: threads left behind (a hang); the process must not unwind
  std::string summary() const;  // "lost-request at damos_walk_cancel:... (cpu0 op#3 walk ctx0)"
};

Outcome execute(const Program& p, const RunConfig& cfg);

}  // namespace program
