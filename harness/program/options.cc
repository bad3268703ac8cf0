#include "harness/program/options.h"

#include <array>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace program {
namespace {

bool parse_u64(std::string_view v, uint64_t* out, std::string* err) {
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  if (ec == std::errc() && end == v.data() + v.size() && !v.empty()) return true;
  *err = fmt::format("'{}' is not a non-negative integer", v);
  return false;
}

// from_chars for double is missing from older libstdc++; strtod on a copy is enough.
bool parse_double(std::string_view v, double* out, std::string* err) {
  const std::string s(v);
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && *out > 0) return true;
  *err = fmt::format("'{}' is not a positive number", v);
  return false;
}

bool parse_bool(std::string_view v, bool* out, std::string* err) {
  for (std::string_view t : {"1", "on", "true", "yes"})
    if (v == t) return *out = true, true;
  for (std::string_view f : {"0", "off", "false", "no"})
    if (v == f) return *out = false, true;
  *err = fmt::format("'{}' is not one of 1/0, on/off, true/false, yes/no", v);
  return false;
}

bool parse_positive(std::string_view v, uint64_t* out, std::string* err) {
  if (!parse_u64(v, out, err)) return false;
  if (*out > 0) return true;
  *err = "must be at least 1";
  return false;
}

bool parse_profile(std::string_view v, std::string* out, std::string* err) {
  if (!program::find_profile(v)) {
    *err = fmt::format("unknown profile '{}' (profiles: {})", v, program::profile_names());
    return false;
  }
  *out = v;
  return true;
}

bool parse_runtime(std::string_view v, rt::RuntimeKind* out, std::string* err) {
  if (v == "sim" || v == "os") {
    *out = v == "sim" ? rt::RuntimeKind::kSim : rt::RuntimeKind::kOs;
    return true;
  }
  *err = fmt::format("unknown runtime '{}' (sim, os)", v);
  return false;
}

bool parse_strategy(std::string_view v, StrategyKind* out, std::string* err) {
  for (StrategyKind k : {StrategyKind::kProgram, StrategyKind::kRandom, StrategyKind::kPct}) {
    if (v == strategy_name(k)) {
      *out = k;
      return true;
    }
  }
  *err = fmt::format("unknown strategy '{}' (program, random, pct)", v);
  return false;
}

bool parse_pct_depth(std::string_view v, int* out, std::string* err) {
  uint64_t d = 0;
  if (!parse_u64(v, &d, err)) return false;
  if (d >= 1 && d <= 64) return *out = static_cast<int>(d), true;
  *err = "must be 1..64";
  return false;
}

// A default as the text its parser reads back.
std::string to_text(const std::string& v) {
  return v;
}
std::string to_text(rt::RuntimeKind v) {
  return std::string(runtime_name(v));
}
std::string to_text(StrategyKind v) {
  return std::string(strategy_name(v));
}
std::string to_text(bool v) {
  return v ? "1" : "0";
}
std::string to_text(uint64_t v) {
  return std::to_string(v);
}
std::string to_text(int v) {
  return std::to_string(v);
}
std::string to_text(double v) {
  return fmt::format("{}", v);
}
std::string to_text(const FindingFilter& v) {
  return v.text();
}
std::string to_text(KeepMode v) {
  return v.keep ? "keep" : "crash";
}

bool parse_on_finding(std::string_view v, KeepMode* out, std::string* err) {
  if (v == "crash" || v == "keep") return out->keep = v == "keep", true;
  *err = fmt::format("unknown mode '{}' (crash, keep)", v);
  return false;
}

bool parse_text(std::string_view v, std::string* out, std::string*) {
  *out = v;
  return true;
}

enum : size_t {
#define DWH_OPTION(field, type, name, def, env, parse, help) kOpt_##field,
#include "harness/program/options.def"
#undef DWH_OPTION
  kNumOptions
};

// The defaults' texts, kept for the table's string_views.
const std::array<std::string, kNumOptions>& default_texts() {
  static const Settings d;
  static const std::array<std::string, kNumOptions> texts = {{
#define DWH_OPTION(field, type, name, def, env, parse, help) to_text(d.field),
#include "harness/program/options.def"
#undef DWH_OPTION
  }};
  return texts;
}

std::array<OptionSpec, kNumOptions> make_table() {
  const auto& d = default_texts();
  return {{
#define DWH_OPTION(field, type, name, def, env, parse, help) \
  {name, d[kOpt_##field], env, help,                         \
   [](Settings* s, std::string_view v, std::string* err) { return parse(v, &s->field, err); }},
#include "harness/program/options.def"
#undef DWH_OPTION
  }};
}

const std::array<OptionSpec, kNumOptions>& table() {
  static const std::array<OptionSpec, kNumOptions> t = make_table();
  return t;
}

}  // namespace

std::span<const OptionSpec> option_table() {
  return table();
}

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& o : table())
    if (o.name == name) return &o;
  return nullptr;
}

bool set_option(Settings* s, std::string_view name, std::string_view value, std::string* err) {
  const OptionSpec* o = find_option(name);
  std::string why;
  if (!o) why = "no such option";
  if (o && o->set(s, value, &why)) return true;
  *err = fmt::format("--{}: {}", name, why);
  return false;
}

bool settings_from_env(Settings* s, std::string* err,
                       std::initializer_list<DefaultOverride> defaults) {
  *s = Settings{};
  for (const DefaultOverride& d : defaults)
    if (!set_option(s, d.name, d.value, err)) return false;
  for (const OptionSpec& o : table()) {
    if (o.env.empty()) continue;
    const char* v = std::getenv(std::string(o.env).c_str());
    if (!v || !*v) continue;
    std::string why;
    if (!o.set(s, v, &why)) {
      *err = fmt::format("{}={}: {}", o.env, v, why);
      return false;
    }
  }
  return true;
}

std::string option_help(const OptionSpec& o, std::string_view default_value) {
  if (default_value.empty()) default_value = o.default_value;
  std::string tail;
  if (!default_value.empty()) tail = fmt::format("default: {}", default_value);
  if (!o.env.empty()) tail += fmt::format("{}env: {}", tail.empty() ? "" : ", ", o.env);
  return tail.empty() ? std::string(o.help) : fmt::format("{} [{}]", o.help, tail);
}

std::string_view runtime_name(rt::RuntimeKind k) {
  return k == rt::RuntimeKind::kSim ? "sim" : "os";
}

std::string_view strategy_name(StrategyKind k) {
  switch (k) {
    case StrategyKind::kProgram:
      return "program";
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return "pct";
  }
  return "program";
}

const program::ProfileInfo* settings_profile(const Settings& s, std::string* err) {
  const program::ProfileInfo* p = program::find_profile(s.profile);
  if (!p)
    *err = fmt::format("unknown profile '{}' (profiles: {})", s.profile, program::profile_names());
  return p;
}

RunConfig make_run_config(const Settings& s, const program::ProfileInfo* profile,
                          uint64_t run_index) {
  RunConfig cfg;
  cfg.profile = profile;
  cfg.runtime = s.runtime;
  cfg.strategy = s.strategy;
  cfg.seed = s.seed + run_index;
  cfg.pct_depth = s.pct_depth;
  cfg.options.max_steps = s.max_steps;
  cfg.options.watchdog_ms = s.watchdog_ms;
  cfg.options.time_scale = s.time_scale;
  cfg.options.detect_deadlock = s.detect_deadlock;
  return cfg;
}

std::string describe_settings(const Settings& s) {
  std::string out = fmt::format("profile={} runtime={} strategy={} seed={}", s.profile,
                                runtime_name(s.runtime), strategy_name(s.strategy), s.seed);
  if (s.strategy == StrategyKind::kPct) out += fmt::format(" pct-depth={}", s.pct_depth);
  if (!s.stop_on.empty()) out += fmt::format(" stop-on={}", s.stop_on.text());
  return out;
}

}  // namespace program
