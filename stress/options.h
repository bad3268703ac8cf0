// damon-stress's command line: the options, their defaults and their checks.
// The knobs it shares with damon-harness and the fuzz targets (--profile,
// --seed, --watchdog, --stop-on and their environment variables) are bound
// from the program layer's option table (harness/program/options.def).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/program/finding_filter.h"
#include "harness/program/options.h"
#include "harness/program/profiles.h"
#include "stress/workload.h"

namespace stress {

// damon-stress's one default that differs from the table's: a soak runs the
// newest kernel profile.
inline constexpr std::string_view kDefaultProfile = "mm-new";

// A shared knob bound to the command line: its text, kept until finish_config().
struct SharedOption {
  const program::OptionSpec* spec;
  std::string value;
  CLI::Option* opt;
};

struct Config {
  std::string runtime_name = "os";
  std::string duration = "60s";
  std::string mix_text = default_mix_text();
  uint64_t run_budget_ms = 0;  // os: 0 = 3 x the watchdog timeout
  unsigned perturb_rate = 16;
  bool detect_deadlock = true;  // os: report a deadlock before the watchdog timeout
  bool json = false;
  std::string out_dir = "stress-out";
  std::vector<std::unique_ptr<SharedOption>> shared;  // add_options()
  // Filled by finish_config(): the shared knobs (profile, seed, watchdog_ms,
  // stop_on; empty stop_on: any finding stops the session) and what they name.
  program::Settings settings;
  const program::ProfileInfo* profile = nullptr;
  rt::RuntimeKind runtime = rt::RuntimeKind::kOs;
  double duration_s = 0;
  uint64_t seed = 0;  // settings.seed, or picked from the clock when none was given
  WorkloadConfig workload;
  uint64_t effective_watchdog_ms() const;
  uint64_t effective_run_budget_ms() const;
};

void add_options(CLI::App& app, Config* c);
// Resolves names and texts into values; picks and returns a seed when none was given.
bool finish_config(Config* c, std::string* err);
// "10s", "5m", "1h", "250ms", "1.5m"; a bare number is seconds.
bool parse_duration(std::string_view text, double* seconds);

}  // namespace stress
