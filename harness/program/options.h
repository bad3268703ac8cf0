// The knobs of a run, declared once in options.def (libFuzzer's FuzzerFlags.def):
// each has a name (the CLI's --name), a default, an optional environment
// variable and a help text. Settings' fields, the option table, the defaults
// and --help are generated from it; the CLI, damon-stress and the fuzz targets
// all read it, so a knob cannot mean one thing in one front end and another in
// the next.
//
// Precedence: command line > environment variable > default.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "harness/program/executor.h"
#include "harness/program/finding_filter.h"
#include "harness/program/profiles.h"

namespace program {

// --on-finding: what a fuzz target does with a finding of a signature new to
// the store (fuzz/common.h): abort (crash, one crash per bug, as OSS-Fuzz
// expects; false) or record it and go on fuzzing (keep; true).
struct KeepMode {
  bool keep = false;
  operator bool() const { return keep; }  // NOLINT: reads as "keep fuzzing?"
};

// One field per row of options.def, with the row's default.
struct Settings {
#define DWH_OPTION(field, type, name, def, env, parse, help) type field = def;
#include "harness/program/options.def"
#undef DWH_OPTION
};

struct OptionSpec {
  std::string_view name;           // "pct-depth": --pct-depth on the command line
  std::string_view default_value;  // Settings{}'s value as text, the form set_option() accepts
  std::string_view env;            // "" when the option has no environment variable
  std::string_view help;
  // Parses `value` into `s`; on error returns false and sets *err (no option name).
  bool (*set)(Settings* s, std::string_view value, std::string* err);
};

std::span<const OptionSpec> option_table();
const OptionSpec* find_option(std::string_view name);
// Sets option `name` from text. Errors read "--NAME: MESSAGE".
bool set_option(Settings* s, std::string_view name, std::string_view value, std::string* err);
// A front end's own default for one option (the text set_option() accepts).
struct DefaultOverride {
  std::string_view name;
  std::string_view value;
};
// Defaults (the table's, then `defaults`), then the environment variable of
// every option that has one and is set. Errors read "ENV=VALUE: MESSAGE".
bool settings_from_env(Settings* s, std::string* err,
                       std::initializer_list<DefaultOverride> defaults = {});
// "--profile: ... [default: pause-rfc, env: DAMON_PROFILE]" style help suffix (an
// empty default is left out); `default_value` replaces the table's default.
std::string option_help(const OptionSpec& o, std::string_view default_value = {});

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
