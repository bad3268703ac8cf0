// damon-stress's command line: the options, their defaults and their checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "harness/program/finding_filter.h"
#include "harness/program/options.h"
#include "harness/program/profiles.h"
#include "stress/workload.h"

namespace stress {

struct Config {
  std::string profile_name = "mm-new";
  std::string runtime_name = "os";
  std::string duration = "60s";
  std::string mix_text{kDefaultMix};
  std::optional<uint64_t> seed_opt;
  uint64_t watchdog_ms = 0;    // 0: the runtime's default
  uint64_t run_budget_ms = 0;  // os: 0 = 3 x the watchdog timeout
  unsigned perturb_rate = 16;
  bool detect_deadlock = true;              // os: report a deadlock before the watchdog timeout
  std::optional<std::string> stop_on_text;  // --stop-on; unset: DWH_STOP_ON, else ""
  bool json = false;
  std::string out_dir = "stress-out";
  // Filled by finish_config().
  const program::ProfileInfo* profile = nullptr;
  rt::RuntimeKind runtime = rt::RuntimeKind::kOs;
  double duration_s = 0;
  uint64_t seed = 0;
  WorkloadConfig workload;
  program::FindingFilter stop_on;  // empty: any finding stops the session
  uint64_t effective_watchdog_ms() const;
  uint64_t effective_run_budget_ms() const;
};

void add_options(CLI::App& app, Config* c);
// Resolves names and texts into values; picks and returns a seed when none was given.
bool finish_config(Config* c, std::string* err);
// "10s", "5m", "1h", "250ms", "1.5m"; a bare number is seconds.
bool parse_duration(std::string_view text, double* seconds);

}  // namespace stress
