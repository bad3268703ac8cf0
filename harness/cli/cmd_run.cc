// damon-harness run FILE: execute one program, report what it found, check that a
// sim finding replays with the same verdict and trace hash (relacy's habit), and
// optionally write the finding file. With --stop-on, runs that end in a finding
// the filter does not select are counted and the search goes on.
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/trace.h"
#include "harness/program/finding.h"
#include "harness/program/load.h"
#include "harness/program/text.h"
#include "harness/report/known.h"

namespace cli {
namespace {

struct RunArgs {
  std::string file;
  bool trace = false;
  bool json = false;
  std::string out_dir;
};

struct Report {
  program::Outcome outcome;
  bool found = false;  // outcome is a finding the stop-on filter selects
  uint64_t run_seed = 0;
  uint64_t runs_done = 0;
  std::map<std::string, uint64_t> ignored;  // findings passed over, by verdict
  // Set when a sim finding was replayed: did it give the same verdict and hash?
  std::optional<program::Outcome> replay;
  bool diverged = false;
  std::string finding_path;
  std::string replay_cmd;
};

uint64_t effective_runs(const program::Settings& s) {
  const bool fixed =
      s.runtime == rt::RuntimeKind::kSim && s.strategy == program::StrategyKind::kProgram;
  return fixed ? 1 : s.runs;
}

program::RunConfig config_for(const program::Settings& s, const program::ProfileInfo* profile,
                              uint64_t run, bool trace) {
  program::RunConfig cfg = program::make_run_config(s, profile, run);
  cfg.options.record_trace = trace;
  cfg.options.watchdog_abort = false;  // a CLI run reports a hang instead of dying
  return cfg;
}

bool selected(const program::Settings& s, const program::Outcome& o) {
  const rt::Finding f = o.run.findings.empty() ? rt::Finding{} : o.run.findings[0];
  if (!s.stop_on.skips_documented()) return s.stop_on.matches(o.verdict, f);
  return report::selects(s.stop_on, o.verdict, f, report::signature_of(o), s.profile);
}

// The recorded schedule, run again with tracing on.
void check_replay(const program::Settings& s, const program::ProfileInfo* profile, Report* r) {
  program::Settings replay = s;
  replay.strategy = program::StrategyKind::kProgram;
  r->replay = program::execute(r->outcome.replay, config_for(replay, profile, 0, true));
  r->diverged = r->replay->verdict != r->outcome.verdict ||
                r->replay->run.trace_hash != r->outcome.run.trace_hash;
}

// Replays a finding by its seed when there is no finding file to point at.
std::string replay_command_for(const RunArgs& a, const program::Settings& s, const Report& r) {
  if (!r.finding_path.empty())
    return program::replay_command(r.finding_path, s.profile, s.runtime, s.max_steps);
  std::string cmd = program::replay_command(a.file, s.profile, s.runtime, s.max_steps);
  if (s.strategy != program::StrategyKind::kProgram)
    cmd += fmt::format(" --strategy {} --seed {}", program::strategy_name(s.strategy), r.run_seed);
  if (s.strategy == program::StrategyKind::kPct) cmd += fmt::format(" --pct-depth {}", s.pct_depth);
  return cmd;
}

bool write_finding_file(const RunArgs& a, const program::Settings& s, Report* r) {
  program::FindingFile f =
      program::finding_from_outcome(r->outcome, s, r->run_seed, "damon-harness run " + a.file);
  if (r->diverged) {
    f.verdict = rt::Verdict::kHarnessBug;
    f.finding.message = "replay diverged: " + f.finding.message;
  }
  std::error_code ec;
  std::filesystem::create_directories(a.out_dir, ec);
  const std::string path =
      (std::filesystem::path(a.out_dir) / program::finding_file_name(f)).string();
  std::string err;
  if (!program::write_finding(f, path, &err)) {
    bad_input(err);
    return false;
  }
  r->finding_path = path;
  return true;
}

rt::Verdict reported_verdict(const Report& r) {
  if (!r.found) return rt::Verdict::kOk;
  return r.diverged ? rt::Verdict::kHarnessBug : r.outcome.verdict;
}

uint64_t ignored_total(const Report& r) {
  uint64_t n = 0;
  for (const auto& [verdict, count] : r.ignored) n += count;
  return n;
}

// "3 finding(s) not selected by --stop-on X, ignored: deadlock=2 livelock=1"
std::string ignored_line(const program::Settings& s, const Report& r) {
  std::string line = fmt::format(
      "{} finding(s) not selected by --stop-on {}, ignored:", ignored_total(r), s.stop_on.text());
  for (const auto& [verdict, count] : r.ignored) line += fmt::format(" {}={}", verdict, count);
  return r.ignored.empty() ? line + " none" : line;
}

void print_results(const program::Outcome& out) {
  fmt::print("calls:\n");
  for (const auto* list : {&out.setup_results, &out.results}) {
    for (const program::OpResult& o : *list) {
      const std::string who =
          o.client == program::kSetupClient ? "setup" : fmt::format("cpu{}", o.client);
      if (o.returned)
        fmt::print("  {} op#{} {} = {}\n", who, o.index, o.op, o.ret);
      else
        fmt::print("  {} op#{} {} (did not return)\n", who, o.index, o.op);
    }
  }
}

void print_text(const RunArgs& a, const program::Settings& s, const Report& r) {
  const program::Outcome& o = r.outcome;
  const rt::Verdict v = reported_verdict(r);
  if (!r.found || (o.run.findings.empty() && !r.diverged))
    fmt::print("{}: no finding in {} run(s)\n", rt::verdict_name(v), r.runs_done);
  else
    fmt::print("{}: {}\n", rt::verdict_name(v),
               r.diverged ? "replay diverged" : o.run.findings[0].message);
  fmt::print("file: {}\n{} run {}/{} (seed {}), {} steps, {:.3f} s virtual\n", a.file,
             program::describe_settings(s), r.runs_done, effective_runs(s), r.run_seed, o.run.steps,
             o.run.virtual_ns / 1e9);
  if (!s.stop_on.empty()) fmt::print("{}\n", ignored_line(s, r));
  if (r.found && !o.run.findings.empty()) {
    const rt::Finding& f = o.run.findings[0];
    if (!f.site.empty()) fmt::print("site: {} (tid {}, step {})\n", f.site, f.tid, f.step);
    if (!f.detail.empty())
      fmt::print("detail:\n{}{}", f.detail, f.detail.ends_with('\n') ? "" : "\n");
    if (v == rt::Verdict::kCallerContract)
      fmt::print("note: the program broke a caller precondition; not a protocol bug\n");
  }
  if (a.trace) print_trace(o.run);
  print_results(o);
  if (r.replay)
    fmt::print(
        "replay check: {} (first run {} hash {:#018x}, replay {} hash {:#018x})\n",
        r.diverged ? "DIVERGED: the harness is not deterministic" : "same verdict and trace hash",
        rt::verdict_name(o.verdict), o.run.trace_hash, rt::verdict_name(r.replay->verdict),
        r.replay->run.trace_hash);
  if (!r.finding_path.empty()) fmt::print("finding file: {}\n", r.finding_path);
  if (v != rt::Verdict::kOk) fmt::print("replay: {}\n", r.replay_cmd);
}

nlohmann::json finding_json(const rt::Finding& f) {
  nlohmann::json blocked = nlohmann::json::array();
  for (const rt::BlockedThread& b : f.blocked)
    blocked.push_back({{"tid", b.tid},
                       {"thread", b.thread},
                       {"waits_on", b.waits_on},
                       {"wait_site", b.wait_site},
                       {"stack", b.stack},
                       {"holder", b.holder}});
  return {{"verdict", rt::verdict_name(f.verdict)},
          {"message", f.message},
          {"detail", f.detail},
          {"site", f.site},
          {"tid", f.tid},
          {"step", f.step},
          {"blocked", blocked}};
}

void print_json(const RunArgs& a, const program::Settings& s, const Report& r) {
  const program::Outcome& o = r.outcome;
  nlohmann::json j = {{"file", a.file},
                      {"profile", s.profile},
                      {"runtime", program::runtime_name(s.runtime)},
                      {"strategy", program::strategy_name(s.strategy)},
                      {"seed", r.run_seed},
                      {"runs", r.runs_done},
                      {"verdict", rt::verdict_name(reported_verdict(r))},
                      {"steps", o.run.steps},
                      {"virtual_ns", o.run.virtual_ns},
                      {"trace_hash", o.run.trace_hash},
                      {"schedule", rt::format_schedule(o.run.schedule)},
                      {"replay_program", program::print_program(o.replay)}};
  j["findings"] = nlohmann::json::array();
  if (r.found)
    for (const rt::Finding& f : o.run.findings) j["findings"].push_back(finding_json(f));
  if (!s.stop_on.empty()) {
    j["stop_on"] = s.stop_on.text();
    j["ignored_findings"] = r.ignored;
  }
  for (const auto& [key, list] :
       {std::pair{"setup_results", &o.setup_results}, std::pair{"results", &o.results}}) {
    j[key] = nlohmann::json::array();
    for (const program::OpResult& x : *list)
      j[key].push_back({{"client", x.client},
                        {"index", x.index},
                        {"op", x.op},
                        {"returned", x.returned},
                        {"ret", x.ret}});
  }
  if (r.replay)
    j["replay_check"] = {{"same", !r.diverged},
                         {"verdict", rt::verdict_name(r.replay->verdict)},
                         {"trace_hash", r.replay->run.trace_hash}};
  if (!r.finding_path.empty()) j["finding_file"] = r.finding_path;
  if (reported_verdict(r) != rt::Verdict::kOk) j["replay_command"] = r.replay_cmd;
  if (a.trace) j["trace"] = trace_lines(o.run);
  fmt::print("{}\n", j.dump(2));
}

int run_main(const RunArgs& a, const RunOptions& opts) {
  program::Settings s;
  if (!opts.apply(&s)) return kExitBadInput;
  std::string err;
  const program::ProfileInfo* profile = program::settings_profile(s, &err);
  if (!profile) return bad_input(err);
  program::Program p;
  if (!program::load_program(a.file, &p, &err)) return bad_input(err);

  Report r;
  const uint64_t runs = effective_runs(s);
  for (uint64_t i = 0; i < runs && !r.found; i++) {
    r.outcome = program::execute(p, config_for(s, profile, i, a.trace));
    r.run_seed = s.seed + i;
    r.runs_done = i + 1;
    if (r.outcome.verdict == rt::Verdict::kOk) continue;
    if (selected(s, r.outcome))
      r.found = true;
    else
      r.ignored[std::string(rt::verdict_name(r.outcome.verdict))]++;
  }
  const bool found = r.found;
  if (found && s.runtime == rt::RuntimeKind::kSim) check_replay(s, profile, &r);
  if (found && !a.out_dir.empty() && !write_finding_file(a, s, &r)) return kExitBadInput;
  r.replay_cmd = replay_command_for(a, s, r);
  if (a.json)
    print_json(a, s, r);
  else
    print_text(a, s, r);
  return found ? kExitFinding : kExitOk;
}

CommandMain setup_run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  app.add_option("FILE", a->file, "program: text format or fuzzer bytes (auto-detected)")
      ->required();
  auto opts = std::make_shared<RunOptions>(
      app, std::initializer_list<const char*>{"profile", "runtime", "seed", "runs", "strategy",
                                              "pct-depth", "max-steps", "watchdog-ms", "time-scale",
                                              "deadlock-detect", "stop-on"});
  app.add_flag("--trace", a->trace,
               "print the trace: one line per scheduling point (tid thread func:label) and notes");
  app.add_flag("--json", a->json, "print the outcome as JSON instead of text");
  app.add_option("--out", a->out_dir, "write a finding file (program + replay command) to DIR")
      ->type_name("DIR");
  app.footer(
      "Runs stop at the first finding (with --stop-on: the first it selects; the others are "
      "counted). A sim finding is replayed from its recorded schedule and "
      "must give the same verdict and trace hash; a mismatch is reported as harness-bug.\n"
      "Exit codes: 0 no finding, 1 finding, 2 bad input.");
  return [a, opts] { return run_main(*a, *opts); };
}

const Registrar kRun{"run", "run a program and report its verdict", 10, setup_run};

}  // namespace
}  // namespace cli
