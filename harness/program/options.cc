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

bool set_profile(Settings* s, std::string_view v, std::string* err) {
  if (!program::find_profile(v)) {
    *err = fmt::format("unknown profile '{}' (profiles: {})", v, program::profile_names());
    return false;
  }
  s->profile = v;
  return true;
}

bool set_runtime(Settings* s, std::string_view v, std::string* err) {
  if (v == "sim" || v == "os") {
    s->runtime = v == "sim" ? rt::RuntimeKind::kSim : rt::RuntimeKind::kOs;
    return true;
  }
  *err = fmt::format("unknown runtime '{}' (sim, os)", v);
  return false;
}

bool set_strategy(Settings* s, std::string_view v, std::string* err) {
  for (StrategyKind k : {StrategyKind::kProgram, StrategyKind::kRandom, StrategyKind::kPct}) {
    if (v == strategy_name(k)) {
      s->strategy = k;
      return true;
    }
  }
  *err = fmt::format("unknown strategy '{}' (program, random, pct)", v);
  return false;
}

bool set_seed(Settings* s, std::string_view v, std::string* err) {
  return parse_u64(v, &s->seed, err);
}

bool set_runs(Settings* s, std::string_view v, std::string* err) {
  if (!parse_u64(v, &s->runs, err)) return false;
  if (s->runs > 0) return true;
  *err = "must be at least 1";
  return false;
}

bool set_pct_depth(Settings* s, std::string_view v, std::string* err) {
  uint64_t d = 0;
  if (!parse_u64(v, &d, err)) return false;
  if (d >= 1 && d <= 64) return s->pct_depth = static_cast<int>(d), true;
  *err = "must be 1..64";
  return false;
}

bool set_max_steps(Settings* s, std::string_view v, std::string* err) {
  if (!parse_u64(v, &s->max_steps, err)) return false;
  if (s->max_steps > 0) return true;
  *err = "must be at least 1";
  return false;
}

bool set_watchdog_ms(Settings* s, std::string_view v, std::string* err) {
  return parse_u64(v, &s->watchdog_ms, err);
}

bool set_time_scale(Settings* s, std::string_view v, std::string* err) {
  return parse_double(v, &s->time_scale, err);
}

bool set_deadlock_detect(Settings* s, std::string_view v, std::string* err) {
  return parse_bool(v, &s->detect_deadlock, err);
}

bool set_feedback(Settings* s, std::string_view v, std::string* err) {
  return parse_bool(v, &s->interleaving_feedback, err);
}

bool set_object_feedback(Settings* s, std::string_view v, std::string* err) {
  return parse_bool(v, &s->object_feedback, err);
}

bool set_stop_on(Settings* s, std::string_view v, std::string* err) {
  return FindingFilter::parse(v, &s->stop_on, err);
}

bool set_on_finding(Settings* s, std::string_view v, std::string* err) {
  if (v == "crash" || v == "keep") return s->keep_fuzzing = v == "keep", true;
  *err = fmt::format("unknown mode '{}' (crash, keep)", v);
  return false;
}

bool set_store(Settings* s, std::string_view v, std::string*) {
  s->store = v;
  return true;
}

const std::array<OptionSpec, 15> kOptions = {{
    {"profile", "pause-rfc", "DAMON_PROFILE",
     "kernel profile to model (`damon-harness profiles` lists them)", set_profile},
    {"runtime", "sim", "",
     "sim: deterministic fibers, exact replay; os: real threads and a watchdog (for TSan)",
     set_runtime},
    {"seed", "0", "", "seed of the random and pct strategies (run i uses seed+i)", set_seed},
    {"runs", "1", "",
     "number of runs; a sim run of the program's own schedule is deterministic, so it is "
     "run once",
     set_runs},
    {"strategy", "program", "",
     "program: the program's own schedule; random: uniform choice at every point; pct: PCT",
     set_strategy},
    {"pct-depth", "3", "", "bug depth of the pct strategy (priority change points + 1)",
     set_pct_depth},
    {"max-steps", "100000", "", "sim: scheduling steps before a run is declared a livelock",
     set_max_steps},
    {"watchdog-ms", "0", "DWH_WATCHDOG_MS",
     "os: a wait without progress for this long is a hang (0: the runtime's default, 10000)",
     set_watchdog_ms},
    {"time-scale", "0.01", "", "os: real seconds per virtual second", set_time_scale},
    {"deadlock-detect", "1", "DWH_DEADLOCK_DETECT",
     "os: report a hang as soon as every unfinished thread waits on another (a deadlock) "
     "instead of at the watchdog timeout",
     set_deadlock_detect},
    {"interleaving-feedback", "0", "DWH_INTERLEAVING_FEEDBACK",
     "fuzz_walk_sim: also reward new pairs of consecutive scheduling points on different "
     "threads (libFuzzer extra counters)",
     set_feedback},
    {"object-feedback", "1", "DWH_OBJECT_FEEDBACK",
     "fuzz_walk_sim: also reward new pairs of consecutive accesses to one tracked object "
     "(a request, a context, a task) by different threads (libFuzzer extra counters)",
     set_object_feedback},
    {"stop-on", "", "DWH_STOP_ON",
     "stop only on these findings, VERDICT[@FUNC],... (FUNC: the function of the finding's "
     "site, e.g. lost-request@damos_walk); other findings are counted and the search goes on "
     "(empty: every finding stops; -documented: pass over the known findings of "
     "corpus/known-findings.txt)",
     set_stop_on},
    {"on-finding", "crash", "DWH_ON_FINDING",
     "fuzz targets, on a finding whose signature is new to the store: crash (abort, one crash "
     "per bug, for OSS-Fuzz) or keep (record it in the store and go on fuzzing); a signature "
     "already in the store never aborts",
     set_on_finding},
    {"store", "", "DWH_STORE",
     "fuzz targets: findings store folder, one finding file and a hit count per signature, "
     "shared by all workers (keep mode without it: the -artifact_prefix folder)",
     set_store},
}};

}  // namespace

std::span<const OptionSpec> option_table() {
  return kOptions;
}

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& o : kOptions)
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

bool settings_from_env(Settings* s, std::string* err) {
  *s = Settings{};
  for (const OptionSpec& o : kOptions) {
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

std::string option_help(const OptionSpec& o) {
  std::string tail;
  if (!o.default_value.empty()) tail = fmt::format("default: {}", o.default_value);
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
