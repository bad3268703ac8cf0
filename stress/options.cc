#include "stress/options.h"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <random>

#include <fmt/format.h>

namespace stress {

uint64_t Config::effective_watchdog_ms() const {
  return settings.watchdog_ms ? settings.watchdog_ms : rt::default_watchdog_ms();
}

uint64_t Config::effective_run_budget_ms() const {
  return run_budget_ms ? run_budget_ms : 3 * effective_watchdog_ms();
}

namespace {

// Table name, then the command-line names (the first is the one --help shows).
struct SharedName {
  const char* name;
  const char* flags;
};
constexpr SharedName kShared[] = {
    {"profile", "--profile"},
    {"seed", "--seed"},
    {"watchdog-ms", "--watchdog,--watchdog-ms"},
    {"stop-on", "--stop-on"},
};

void add_shared(CLI::App& app, Config* c, const SharedName& n) {
  auto b = std::make_unique<SharedOption>(SharedOption{program::find_option(n.name), "", nullptr});
  std::string help;
  if (b->spec->name == "profile")
    help = program::option_help(*b->spec, kDefaultProfile);
  else if (b->spec->name == "seed")
    help = "session seed (default: from the clock; always printed)";
  else
    help = program::option_help(*b->spec);
  b->opt = app.add_option(n.flags, b->value, help);
  b->opt->type_name(b->spec->name == "profile" ? "PROFILE" : "VALUE");
  c->shared.push_back(std::move(b));
}

// The table's defaults (with kDefaultProfile), then the environment, then the
// command line.
bool shared_settings(const Config& c, program::Settings* s, std::string* err) {
  if (!program::settings_from_env(s, err, {{"profile", kDefaultProfile}})) return false;
  for (const auto& b : c.shared)
    if (b->opt->count() && !program::set_option(s, b->spec->name, b->value, err)) return false;
  return true;
}

bool seed_given(const Config& c) {
  for (const auto& b : c.shared)
    if (b->spec->name == "seed") return b->opt->count() > 0;
  return false;
}

}  // namespace

void add_options(CLI::App& app, Config* c) {
  for (const SharedName& n : kShared) add_shared(app, c, n);
  app.add_option("--runtime", c->runtime_name,
                 "os: real threads, watchdog for hangs; sim: seeded random/PCT runs")
      ->check(CLI::IsMember({"os", "sim"}))
      ->capture_default_str();
  app.add_option("--clients", c->workload.clients,
                 "clients (cpu0.., each a thread with its own operation list)")
      ->check(CLI::Range(1, program::kMaxClients))
      ->capture_default_str();
  app.add_option("--contexts", c->workload.contexts, "DAMON contexts")
      ->check(CLI::Range(1, program::kMaxCtxs))
      ->capture_default_str();
  app.add_option("--duration", c->duration, "how long to run: 30s, 10m, 1h")->capture_default_str();
  app.add_option("--ops", c->mix_text, "operation mix weights, KIND=WEIGHT,...")
      ->capture_default_str();
  app.add_option("--run-budget", c->run_budget_ms,
                 "os: a run still going after this many ms is a livelock finding (0: 3 x "
                 "the watchdog timeout)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{36000000}))
      ->capture_default_str();
  app.add_option("--perturb", c->perturb_rate,
                 "os: chance (0..255) per scheduling point of a yield or short sleep")
      ->check(CLI::Range(0, 255))
      ->capture_default_str();
  app.add_flag("--deadlock-detect,!--no-deadlock-detect", c->detect_deadlock,
               "os: report a hang as soon as every unfinished thread waits on another (a "
               "deadlock) instead of at the watchdog timeout")
      ->capture_default_str();
  app.add_flag("--start-before-use", c->workload.start_before_use,
               "every profile: a client calls or walks only a ctx it has started before");
  app.add_flag("--json", c->json, "print the final summary as JSON on stdout");
  app.add_option("--out", c->out_dir,
                 "folder for finding files, the findings store (one file and a hit count per "
                 "signature) and current.txt")
      ->capture_default_str();
}

bool parse_duration(std::string_view text, double* seconds) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v < 0) return false;
  const std::string_view unit(end, text.data() + text.size() - end);
  double scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "ms")
    scale = 1e-3;
  else if (unit == "m" || unit == "min")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  if (scale == 0) return false;
  *seconds = v * scale;
  return true;
}

bool finish_config(Config* c, std::string* err) {
  if (!shared_settings(*c, &c->settings, err)) return false;
  c->profile = program::find_profile(c->settings.profile);
  c->runtime = c->runtime_name == "sim" ? rt::RuntimeKind::kSim : rt::RuntimeKind::kOs;
  c->settings.runtime = c->runtime;
  c->settings.detect_deadlock = c->detect_deadlock;
  if (!parse_duration(c->duration, &c->duration_s)) {
    *err = fmt::format("--duration: cannot read '{}' (examples: 30s, 10m, 1h)", c->duration);
    return false;
  }
  std::string mix_err;
  if (!parse_mix(c->mix_text, &c->workload.mix, &mix_err)) {
    *err = "--ops: " + mix_err;
    return false;
  }
  c->workload.profile = c->profile;
  c->seed =
      seed_given(*c)
          ? c->settings.seed
          : std::random_device{}() ^
                static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return true;
}

}  // namespace stress
