#include "stress/report.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/program/options.h"
#include "harness/program/text.h"

namespace stress {
namespace {

std::string indent(const std::string& text, const char* prefix) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out += prefix + text.substr(pos, nl - pos) + "\n";
    pos = nl + 1;
  }
  return out;
}

std::string last_ops(const program::Outcome& o, int per_client) {
  std::string out;
  int max_client = -1;
  for (const auto& r : o.results) max_client = std::max(max_client, r.client);
  for (int c = 0; c <= max_client; c++) {
    std::vector<const program::OpResult*> ops;
    for (const auto& r : o.results)
      if (r.client == c) ops.push_back(&r);
    // Show up to the op in flight (the first that did not return).
    size_t end = 0;
    while (end < ops.size() && ops[end]->returned) end++;
    const size_t shown_end = std::min(ops.size(), end + 1);
    const size_t begin = shown_end > static_cast<size_t>(per_client) ? shown_end - per_client : 0;
    out += fmt::format("  cpu{}: {} ops, {} returned\n", c, ops.size(), end);
    for (size_t i = begin; i < shown_end; i++) {
      const program::OpResult& r = *ops[i];
      out += r.returned
                 ? fmt::format("    #{:<2} {}\n", r.index, r.text())
                 : fmt::format("    #{:<2} {}   <- IN FLIGHT (never returned)\n", r.index, r.op);
    }
  }
  return out;
}

}  // namespace

std::string rerun_command(const std::string& path, const RunInfo& r) {
  std::string cmd = fmt::format("damon-harness run {} --profile {} --runtime {}", path, r.profile,
                                program::runtime_name(r.runtime));
  if (r.runtime == rt::RuntimeKind::kSim && r.strategy != program::StrategyKind::kProgram)
    cmd += fmt::format(" --strategy {} --seed {}", program::strategy_name(r.strategy), r.run_seed);
  return cmd;
}

bool write_current(const std::string& path, const program::Program& p, const RunInfo& r,
                   std::string* err) {
  program::Program c = p;
  c.comments = {
      fmt::format("damon-stress: run {} in progress (session seed {})", r.run_index,
                  r.session_seed),
      fmt::format("profile: {}, runtime: {}, strategy: {}, seed: {}", r.profile,
                  program::runtime_name(r.runtime), program::strategy_name(r.strategy), r.run_seed),
      "If damon-stress died (sanitizer report, crash), this run caused it. Rerun:",
      "  " + rerun_command(path, r),
  };
  return program::write_file_atomic(path, program::print_program(c), err);
}

program::FindingFile make_finding(const program::Program& replay, rt::Verdict v,
                                  const rt::Finding& finding, const RunInfo& r) {
  program::FindingFile f;
  f.program = replay;
  f.verdict = v;
  f.finding = finding;
  f.profile = r.profile;
  f.runtime = r.runtime;
  // The sim file carries the schedule that was run: it replays as a program.
  f.strategy = r.strategy;
  f.seed = r.run_seed;
  f.origin = fmt::format("damon-stress --profile {} --runtime {} --seed {} (run {})", r.profile,
                         program::runtime_name(r.runtime), r.session_seed, r.run_index);
  return f;
}

std::string sim_search_command(const std::string& path, const std::string& profile,
                               rt::Verdict os_verdict) {
  const bool hang = os_verdict == rt::Verdict::kWatchdogHang ||
                    os_verdict == rt::Verdict::kDeadlock || os_verdict == rt::Verdict::kLivelock;
  const std::string stop_on =
      hang ? "deadlock,lost-request,livelock" : std::string(rt::verdict_name(os_verdict));
  return fmt::format(
      "damon-harness run {} --profile {} --runtime sim --strategy random --runs 2000 --stop-on {}",
      path, profile, stop_on);
}

std::string write_finding_file(const std::string& dir, const program::FindingFile& f,
                               std::string* err) {
  const std::string path = dir + "/" + program::finding_file_name(f);
  if (f.runtime != rt::RuntimeKind::kOs) return program::write_finding(f, path, err) ? path : "";
  program::FindingFile with_search = f;
  with_search.finding.detail +=
      "look for it in sim: " + sim_search_command(path, f.profile, f.verdict) + "\n";
  return program::write_finding(with_search, path, err) ? path : std::string();
}

std::string finding_report(const program::Outcome& o, int last_ops_per_client) {
  std::string out = fmt::format("verdict: {}\n", rt::verdict_name(o.verdict));
  if (!o.run.findings.empty()) {
    const rt::Finding& f = o.run.findings.front();
    out += fmt::format("finding: {}\n", f.message);
    if (!f.site.empty()) out += fmt::format("site: {} (tid {}, step {})\n", f.site, f.tid, f.step);
    if (!f.detail.empty()) out += "detail:\n" + indent(f.detail, "  ");
    if (!f.blocked.empty()) out += "blocked threads:\n";
    for (const rt::BlockedThread& b : f.blocked) {
      out += fmt::format("  {} waits for {} at {}\n    stack: {}\n", b.thread, b.waits_on,
                         b.wait_site, b.stack);
      if (!b.recent.empty()) out += fmt::format("    recent: {}\n", fmt::join(b.recent, " "));
    }
  }
  if (!o.run.notes.empty()) {
    out += "protocol trace (last notes):\n";
    const size_t n = o.run.notes.size();
    for (size_t i = n > 12 ? n - 12 : 0; i < n; i++) out += "  " + o.run.notes[i] + "\n";
  }
  if (o.results.empty()) {
    out += "operations (which returned is unknown: the run is still going):\n";
    for (int c = 0; c < program::kMaxClients; c++)
      for (const program::Op& op : o.replay.ops[c])
        out += fmt::format("  cpu{}: {}\n", c, program::format_op(op));
  } else {
    out += "last operations:\n" + last_ops(o, last_ops_per_client);
  }
  return out;
}

}  // namespace stress
