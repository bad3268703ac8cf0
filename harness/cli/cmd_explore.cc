// damon-harness explore FILE: every schedule of a program with at most K
// preemptions, searched systematically on sim (harness/program/explore.h).
// Each distinct signature found gets a finding file, from the first schedule
// that showed it (the fewest preemptions: the bound is deepened from 0), checked
// by a replay as `run` checks its findings. The last line is the verdict:
//   no lost-request within 2 preemptions (complete, 41,203 schedules, 3.1 s)
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/program/explore.h"
#include "harness/program/finding.h"
#include "harness/program/load.h"
#include "harness/report/signature.h"

namespace cli {
namespace {

struct ExploreArgs {
  std::string file;
  std::string preemptions = "2";
  uint64_t max_schedules = 0;
  double time_s = 0;
  bool json = false;
  bool no_sleep_sets = false;
  std::string out_dir = "findings";
};

struct Found {
  std::string key;  // signature
  program::Outcome outcome;
  int preemptions = 0;
  bool replay_same = false;
  std::string path;
  std::string replay_cmd;
};

// "41203" -> "41,203"
std::string grouped(uint64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); i++) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// "K" (0..K) or "A..K".
bool parse_bound(const std::string& text, int* lo, int* hi) {
  const size_t dots = text.find("..");
  try {
    size_t used = 0;
    if (dots == std::string::npos) {
      *lo = 0;
      *hi = std::stoi(text, &used);
      if (used != text.size()) return false;
    } else {
      *lo = std::stoi(text.substr(0, dots), &used);
      if (used != dots) return false;
      const std::string rest = text.substr(dots + 2);
      *hi = std::stoi(rest, &used);
      if (used != rest.size()) return false;
    }
  } catch (const std::exception&) {
    return false;
  }
  return *lo >= 0 && *hi >= *lo && *hi <= program::kMaxPreemptions;
}

// The verdict line; `what` is the stop-on filter's text or "finding".
std::string verdict_line(const program::ExploreResult& r, const std::vector<Found>& found,
                         const std::string& what, int bound) {
  const std::string how = r.complete() ? "complete"
                          : r.stopped  ? "stopped at the first selected finding"
                                       : "incomplete, budget";
  const std::string tail =
      fmt::format("{}, {} schedules, {:.1f} s", how, grouped(r.schedules), r.seconds);
  if (found.empty())
    return fmt::format("no {} within {} preemption{} ({})", what, bound, bound == 1 ? "" : "s",
                       tail);
  int fewest = found.front().preemptions;
  for (const Found& f : found) fewest = std::min(fewest, f.preemptions);
  return fmt::format("{} found with {} preemption{}, {} signature{} within {} ({})",
                     rt::verdict_name(found.front().outcome.verdict), fewest,
                     fewest == 1 ? "" : "s", found.size(), found.size() == 1 ? "" : "s", bound,
                     tail);
}

int explore_main(const ExploreArgs& a, const RunOptions& opts) {
  program::Settings s;
  if (!opts.apply(&s)) return kExitBadInput;
  if (s.runtime != rt::RuntimeKind::kSim) return bad_input("explore: --runtime must be sim");
  int lo = 0, hi = 0;
  if (!parse_bound(a.preemptions, &lo, &hi))
    return bad_input(fmt::format("--preemptions: '{}' is not K or A..K with 0 <= A <= K <= {}",
                                 a.preemptions, program::kMaxPreemptions));
  if (a.time_s < 0) return bad_input("--time: must be >= 0");
  std::string err;
  const program::ProfileInfo* profile = program::settings_profile(s, &err);
  if (!profile) return bad_input(err);
  program::Program p;
  if (!program::load_program(a.file, &p, &err)) return bad_input(err);

  program::ExploreConfig cfg;
  cfg.run = program::make_run_config(s, profile, 0);
  cfg.run.options.record_trace = false;
  cfg.min_preemptions = lo;
  cfg.max_preemptions = hi;
  cfg.max_schedules = a.max_schedules;
  cfg.max_seconds = a.time_s;
  cfg.sleep_sets = !a.no_sleep_sets;

  std::vector<Found> found;
  std::map<std::string, uint64_t> ignored;
  const program::ExploreResult r =
      program::explore(p, cfg, [&](const program::Outcome& o, int preemptions) {
        const rt::Finding none;
        if (!s.stop_on.matches(o.verdict, o.run.findings.empty() ? none : o.run.findings[0])) {
          ignored[std::string(rt::verdict_name(o.verdict))]++;
          return false;
        }
        const std::string key = report::signature_of(o).key();
        for (const Found& f : found)
          if (f.key == key) return !s.stop_on.empty();
        found.push_back(Found{key, o, preemptions, false, "", ""});
        return !s.stop_on.empty();
      });

  // Replay every first finding from its recorded schedule, with tracing, and
  // write its file.
  program::Settings replay = s;
  replay.strategy = program::StrategyKind::kProgram;
  bool harness_bug = r.diverged > 0;
  for (Found& f : found) {
    program::RunConfig rc = program::make_run_config(replay, profile, 0);
    const program::Outcome again = program::execute(f.outcome.replay, rc);
    f.replay_same =
        again.verdict == f.outcome.verdict && again.run.trace_hash == f.outcome.run.trace_hash;
    if (!f.replay_same) harness_bug = true;
    program::FindingFile ff = program::finding_from_outcome(
        f.replay_same ? again : f.outcome, s, 0,
        fmt::format("damon-harness explore {} --preemptions {}", a.file, a.preemptions));
    if (!f.replay_same) {
      ff.verdict = rt::Verdict::kHarnessBug;
      ff.finding.message = "replay diverged: " + ff.finding.message;
    }
    std::error_code ec;
    std::filesystem::create_directories(a.out_dir, ec);
    f.path = (std::filesystem::path(a.out_dir) / program::finding_file_name(ff)).string();
    if (!program::write_finding(ff, f.path, &err)) return bad_input(err);
    f.replay_cmd = program::replay_command(f.path, s.profile, s.runtime, s.max_steps);
  }

  const std::string what = s.stop_on.empty() ? "finding" : s.stop_on.text();
  const std::string line = verdict_line(r, found, what, hi);
  if (a.json) {
    nlohmann::json j = {
        {"file", a.file},         {"profile", s.profile},         {"preemptions", hi},
        {"min_preemptions", lo},  {"sleep_sets", cfg.sleep_sets}, {"complete", r.complete()},
        {"budget", r.budget},     {"stopped", r.stopped},         {"schedules", r.schedules},
        {"diverged", r.diverged}, {"seconds", r.seconds},         {"verdict", line}};
    j["bounds"] = nlohmann::json::array();
    for (const program::ExploreBound& b : r.bounds)
      j["bounds"].push_back({{"preemptions", b.preemptions},
                             {"schedules", b.schedules},
                             {"redundant", b.redundant},
                             {"complete", b.complete}});
    j["findings"] = nlohmann::json::array();
    for (const Found& f : found)
      j["findings"].push_back(
          {{"verdict", rt::verdict_name(f.outcome.verdict)},
           {"signature", f.key},
           {"preemptions", f.preemptions},
           {"message", f.outcome.run.findings.empty() ? "" : f.outcome.run.findings[0].message},
           {"schedule", rt::format_schedule(f.outcome.run.schedule)},
           {"replay_same", f.replay_same},
           {"finding_file", f.path},
           {"replay_command", f.replay_cmd}});
    if (!s.stop_on.empty()) {
      j["stop_on"] = s.stop_on.text();
      j["ignored_findings"] = ignored;
    }
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("explore {}: profile={} preemptions {}..{}{}\n", a.file, s.profile, lo, hi,
               cfg.sleep_sets ? ", sleep sets" : "");
    for (const Found& f : found) {
      fmt::print("{} ({} preemption{}): {}\n", rt::verdict_name(f.outcome.verdict), f.preemptions,
                 f.preemptions == 1 ? "" : "s",
                 f.outcome.run.findings.empty() ? "" : f.outcome.run.findings[0].message);
      fmt::print("  signature: {}\n", f.key);
      fmt::print("  replay check: {}\n", f.replay_same
                                             ? "same verdict and trace hash"
                                             : "DIVERGED: the harness is not deterministic");
      fmt::print("  finding file: {}\n  replay: {}\n", f.path, f.replay_cmd);
    }
    for (const program::ExploreBound& b : r.bounds)
      fmt::print("bound {}: {} schedules ({} cut short by sleep sets), {}\n", b.preemptions,
                 grouped(b.schedules), grouped(b.redundant),
                 b.complete ? "complete" : "not complete");
    if (!ignored.empty()) {
      std::string l = "findings not selected by --stop-on " + s.stop_on.text() + ", ignored:";
      for (const auto& [v, n] : ignored) l += fmt::format(" {}={}", v, n);
      fmt::print("{}\n", l);
    }
    if (r.diverged)
      fmt::print("harness-bug: {} executions did not follow their forced prefix\n",
                 grouped(r.diverged));
    fmt::print("{}\n", line);
  }
  return (found.empty() && !harness_bug) ? kExitOk : kExitFinding;
}

CommandMain setup_explore(CLI::App& app) {
  auto a = std::make_shared<ExploreArgs>();
  app.add_option("FILE", a->file, "program: text format or fuzzer bytes (its schedule is ignored)")
      ->required();
  auto opts = std::make_shared<RunOptions>(
      app, std::initializer_list<const char*>{"profile", "max-steps", "stop-on"});
  app.add_option("--preemptions", a->preemptions,
                 "bound K (searched 0, 1, ..., K) or A..K; a preemption is a decision that "
                 "departs from the default policy")
      ->capture_default_str();
  app.add_option("--max-schedules", a->max_schedules, "stop after N executions (0: no limit)")
      ->capture_default_str();
  app.add_option("--time", a->time_s, "stop after T seconds of wall time (0: no limit)")
      ->capture_default_str();
  app.add_flag("--json", a->json, "print the result as JSON instead of text");
  app.add_flag("--no-sleep-sets", a->no_sleep_sets,
               "run every schedule within the bound, without the sleep-set reduction");
  app.add_option("--out", a->out_dir, "write each signature's finding file to DIR")
      ->type_name("DIR")
      ->capture_default_str();
  app.footer(
      "Without --stop-on the whole bound is searched and every distinct signature is reported "
      "(from its schedule with the fewest preemptions); with --stop-on the search ends at the "
      "first finding it selects and the others are counted.\n"
      "Exit codes: 0 no finding, 1 finding, 2 bad input.");
  return [a, opts] { return explore_main(*a, *opts); };
}

const Registrar kExplore{"explore", "search every interleaving within a preemption bound", 15,
                         setup_explore};

}  // namespace
}  // namespace cli
