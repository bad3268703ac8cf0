// The knobs of a run, declared once (libFuzzer's FuzzerFlags.def): each has a
// name (the CLI's --name), a default, an optional environment variable and a help
// text. The CLI, the fuzz targets and --help all read this table, so a knob
// cannot mean one thing in one front end and another in the next.
//
// Precedence: command line > environment variable > default.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "harness/program/executor.h"
#include "harness/program/finding_filter.h"
#include "harness/program/profiles.h"

namespace program {

struct Settings {
  std::string profile = "pause-rfc";
  rt::RuntimeKind runtime = rt::RuntimeKind::kSim;
  uint64_t seed = 0;
  uint64_t runs = 1;
  StrategyKind strategy = StrategyKind::kProgram;
  int pct_depth = 3;
  uint64_t max_steps = rt::Options{}.max_steps;
  uint64_t watchdog_ms = 0;  // 0: the runtime's default (rt::default_watchdog_ms())
  double time_scale = rt::Options{}.time_scale;
  bool detect_deadlock = rt::Options{}.detect_deadlock;
  // fuzz_walk_sim's schedule feedback (fuzz/common.h): object pairs by default;
  // scheduling-point pairs found the review thread's scenario less often
  // (docs/benchmarks.md).
  bool interleaving_feedback = false;
  bool object_feedback = true;
  FindingFilter stop_on;  // empty: every finding stops the search
  // What a fuzz target does with a finding of a signature new to the store
  // (fuzz/common.h): abort (crash-per-bug, as OSS-Fuzz expects), or record it
  // and go on fuzzing.
  bool keep_fuzzing = false;
  std::string store;  // the findings store folder (report/store.h); "": none
};

struct OptionSpec {
  std::string_view name;           // "pct-depth": --pct-depth on the command line
  std::string_view default_value;  // as text, the form set_option() accepts
  std::string_view env;            // "" when the option has no environment variable
  std::string_view help;
  // Parses `value` into `s`; on error returns false and sets *err (no option name).
  bool (*set)(Settings* s, std::string_view value, std::string* err);
};

std::span<const OptionSpec> option_table();
const OptionSpec* find_option(std::string_view name);
// Sets option `name` from text. Errors read "--NAME: MESSAGE".
bool set_option(Settings* s, std::string_view name, std::string_view value, std::string* err);
// Defaults, then the environment variable of every option that has one and is set.
// Errors read "ENV=VALUE: MESSAGE".
bool settings_from_env(Settings* s, std::string* err);
// "--profile: ... [default: pause-rfc, env: DAMON_PROFILE]" style help suffix (an
// empty default is left out).
std::string option_help(const OptionSpec& o);

std::string_view runtime_name(rt::RuntimeKind k);
std::string_view strategy_name(StrategyKind k);

// The profile named by s.profile, or nullptr with *err saying which names exist.
const program::ProfileInfo* settings_profile(const Settings& s, std::string* err);
// The RunConfig for run `run_index` (random and pct runs use seed + run_index).
RunConfig make_run_config(const Settings& s, const program::ProfileInfo* profile,
                          uint64_t run_index);
// "profile=pause-rfc runtime=sim strategy=random seed=7": printed with every result.
std::string describe_settings(const Settings& s);

}  // namespace program
