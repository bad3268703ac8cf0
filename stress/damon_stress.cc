// damon-stress: long random real-thread (or seeded sim) workloads against one
// profile, the way a soak test or a kernel stress script exercises the API.
// Exit status: 0 no finding (duration over or stopped by a signal), 1 a finding
// that --stop-on selects (every finding without it) or a sanitizer report, 2
// usage error. Findings --stop-on does not select are written and counted only,
// as damon-harness run and the fuzz targets treat them.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "harness/program/options.h"
#include "harness/report/known.h"
#include "harness/report/store.h"
#include "stress/budget.h"
#include "stress/options.h"
#include "stress/progress.h"
#include "stress/report.h"
#include "stress/sanitizer.h"
#include "stress/signals.h"
#include "stress/stats.h"
#include "stress/summary.h"
#include "stress/workload.h"

namespace stress {
namespace {

// What the watchdog's hang hook needs to write the finding file before the
// run returns (it runs on the monitor thread, inside execute()).
struct HangContext {
  const program::Program* program = nullptr;
  RunInfo run;
  std::string dir;
  ProgressLine* progress = nullptr;
  std::string written;
  // Session::report_finding()'s: a hang it will pass over as already reported
  // gets no file either (a session that passes over deadlocks meets hundreds).
  const std::set<std::string>* seen = nullptr;
  const program::FindingFilter* stop_on = nullptr;
};

// One file and report per signature, when going on past findings.
std::string finding_signature(rt::Verdict v, const rt::Finding& f) {
  return fmt::format("{} {} {}", rt::verdict_name(v), f.site,
                     f.blocked.empty() ? "" : f.blocked.front().wait_site);
}

void on_hang(const rt::Finding& f, void* arg) {
  auto* h = static_cast<HangContext*>(arg);
  if (h->seen && !h->stop_on->matches(f.verdict, f) &&
      h->seen->count(finding_signature(f.verdict, f)))
    return;
  if (h->progress) h->progress->break_line();
  std::string err;
  h->written = write_finding_file(h->dir, make_finding(*h->program, f.verdict, f, h->run), &err);
  if (h->written.empty()) std::fprintf(stderr, "damon-stress: %s\n", err.c_str());
}

uint64_t run_seed_of(uint64_t session_seed, uint64_t run_index) {
  program::Rng m(session_seed ^ (run_index * 0x9e3779b97f4a7c15ull));
  return m.next();
}

program::RunConfig run_config(const Config& c, const RunInfo& r) {
  program::RunConfig cfg = program::make_run_config(c.settings, c.profile, 0);
  cfg.strategy = r.strategy;
  cfg.seed = r.run_seed;
  cfg.options.watchdog_abort = false;
  cfg.options.record_trace = false;
  if (c.perturb_rate) {
    cfg.options.perturb_seed = static_cast<uint32_t>(r.run_seed) | 1;
    cfg.options.perturb_rate = c.perturb_rate;
  }
  return cfg;
}

// A sim finding is replayed with tracing on: the report gets the protocol trace,
// and a different verdict is the harness's own bug.
program::Outcome traced_replay(const program::Outcome& o, const Config& c, const RunInfo& r) {
  program::RunConfig cfg = run_config(c, r);
  cfg.strategy = program::StrategyKind::kProgram;
  cfg.options.record_trace = true;
  program::Outcome again = program::execute(o.replay, cfg);
  if (again.verdict == o.verdict) return again;
  program::Outcome bug = o;
  rt::Finding f;
  f.verdict = rt::Verdict::kHarnessBug;
  f.message = fmt::format("replay of a {} finding ended in {}: the sim run is not deterministic",
                          rt::verdict_name(o.verdict), rt::verdict_name(again.verdict));
  bug.verdict = f.verdict;
  bug.run.findings.insert(bug.run.findings.begin(), f);
  return bug;
}

class Session {
 public:
  explicit Session(const Config& c) : c_(c) {}
  int run();
  // True once a hung os run left threads behind: they may still run, so the
  // process must end without running static destructors under them.
  bool abandoned_threads() const { return abandoned_; }

 private:
  RunInfo next_run();
  bool run_one(const RunInfo& r, const program::Program& p);
  // Writes and prints the finding; returns true if it stops the session.
  bool report_finding(const program::Outcome& o, const RunInfo& r);
  void finish(const std::string& stopped_by);

  const Config& c_;
  Stats stats_;
  std::unique_ptr<ProgressLine> progress_;
  SessionInfo info_;
  HangContext hang_;
  uint64_t run_index_ = 0;
  bool abandoned_ = false;
  std::set<std::string> seen_;  // hangs already reported, for on_hang()
  report::FindingStore store_{c_.out_dir};
};

RunInfo Session::next_run() {
  RunInfo r;
  r.profile = c_.settings.profile;
  r.runtime = c_.runtime;
  r.session_seed = c_.seed;
  r.run_index = run_index_++;
  r.run_seed = run_seed_of(c_.seed, r.run_index);
  if (c_.runtime == rt::RuntimeKind::kSim)
    r.strategy = r.run_index % 2 ? program::StrategyKind::kPct : program::StrategyKind::kRandom;
  return r;
}

// Returns false when the run ended in a finding.
bool Session::run_one(const RunInfo& r, const program::Program& p) {
  std::string err;
  if (!write_current(info_.current_file, p, r, &err))
    std::fprintf(stderr, "damon-stress: %s\n", err.c_str());
  const std::string keep =
      fmt::format("{}/sanitizer-{}-run{}.txt", c_.out_dir, c_.seed, r.run_index);
  arm_sanitizer_keep(info_.current_file, keep);
  const uint64_t reports_before = sanitizer_reports();
  hang_.program = &p;
  hang_.run = r;
  hang_.written.clear();
  stats_.begin_run();
  program::Outcome o;
  if (c_.runtime == rt::RuntimeKind::kOs) {
    program::RunConfig cfg = run_config(c_, r);
    cfg.options.hang_hook = on_hang;
    cfg.options.hang_hook_arg = &hang_;
    std::optional<program::Outcome> done =
        execute_with_budget(p, cfg, c_.effective_run_budget_ms());
    if (!done) {
      // Its threads still run: report, then leave without unwinding past them.
      // Its threads keep running: a stop leaves without unwinding past them,
      // otherwise they are abandoned to the end of the process.
      stats_.end_run(overrun_outcome(p, 0));
      if (!report_finding(overrun_outcome(p, c_.effective_run_budget_ms()), r)) return true;
      finish("finding");
      std::fflush(nullptr);
      std::_Exit(1);
    }
    o = std::move(*done);
    if (o.abandoned) abandoned_ = true;
  } else {
    o = program::execute(p, run_config(c_, r));
  }
  stats_.end_run(o);
  if (sanitizer_reports() != reports_before && info_.sanitizer_file.empty())
    info_.sanitizer_file = keep;
  if (!rt::is_protocol_bug(o.verdict)) return true;
  if (c_.runtime == rt::RuntimeKind::kSim) o = traced_replay(o, c_, r);
  return !report_finding(o, r);
}

bool Session::report_finding(const program::Outcome& o, const RunInfo& r) {
  const rt::Finding none;
  const rt::Finding& f = o.run.findings.empty() ? none : o.run.findings.front();
  const report::Signature sig = report::signature_of(o);
  const bool stop = report::selects(c_.settings.stop_on, o.verdict, f, sig, r.profile);
  seen_.insert(finding_signature(o.verdict, f));
  // Every finding goes to the store (OUT/<verdict>-<id>.txt, report/store.h).
  // Going on past findings (--stop-on): one file and report per signature.
  const program::FindingFile ff = make_finding(o.replay, o.verdict, f, r);
  std::string path, err;
  const report::FindingStore::Hit hit = store_.record(sig, ff, &path, &err);
  if (hit == report::FindingStore::Hit::kError)
    std::fprintf(stderr, "damon-stress: %s\n", err.c_str());
  if (!stop && hit == report::FindingStore::Hit::kKnown) {
    info_.findings++;
    return false;
  }
  progress_->break_line();
  if (stop) path = write_finding_file(c_.out_dir, ff, &err);
  if (path.empty()) {
    std::fprintf(stderr, "damon-stress: %s\n", err.c_str());
    path = hang_.written;
  }
  const bool first = info_.findings++ == 0;
  if (stop) info_.selected_findings++;
  if (stop || first) {
    info_.finding_verdict = std::string(rt::verdict_name(o.verdict));
    info_.finding_message = f.message;
    info_.finding_file = path;
  }
  std::fprintf(stderr,
               "\n==DAMON-STRESS== FINDING verdict=%s profile=%s runtime=%s seed=%llu run=%llu\n"
               "%s"
               "program written to %s\nreplay: %s\n\n",
               info_.finding_verdict.c_str(), r.profile.c_str(),
               std::string(program::runtime_name(r.runtime)).c_str(),
               static_cast<unsigned long long>(r.run_seed),
               static_cast<unsigned long long>(r.run_index), finding_report(o, 6).c_str(),
               path.c_str(), program::replay_command(path, r.profile, r.runtime).c_str());
  if (r.runtime == rt::RuntimeKind::kOs)
    std::fprintf(stderr, "look for it in sim: %s\n\n",
                 sim_search_command(path, r.profile, o.verdict).c_str());
  std::fprintf(stderr, "signature %s: %s\n", sig.id().c_str(), sig.key().c_str());
  if (!stop) std::fprintf(stderr, "(not a --stop-on finding: going on)\n\n");
  return stop;
}

void Session::finish(const std::string& stopped_by) {
  progress_->stop();
  store_.flush();  // abandoned threads end the process without destructors
  info_.stopped_by = stopped_by;
  info_.sanitizer_reports = sanitizer_reports();
  if (c_.json) {
    std::printf("%s\n", summary_json(stats_, info_).dump(2).c_str());
  } else {
    std::printf("%s", summary_text(stats_, info_).c_str());
  }
  std::fflush(stdout);
}

int Session::run() {
  std::error_code ec;
  std::filesystem::create_directories(c_.out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "damon-stress: %s: error: %s\n", c_.out_dir.c_str(), ec.message().c_str());
    return 2;
  }
  info_.profile = c_.settings.profile;
  info_.runtime = std::string(program::runtime_name(c_.runtime));
  info_.seed = c_.seed;
  info_.clients = c_.workload.clients;
  info_.contexts = c_.workload.contexts;
  info_.mix = format_mix(c_.workload.mix);
  info_.duration_s = c_.duration_s;
  info_.watchdog_ms = c_.runtime == rt::RuntimeKind::kOs ? c_.effective_watchdog_ms() : 0;
  info_.current_file = c_.out_dir + "/current.txt";
  std::fprintf(stderr,
               "damon-stress: profile=%s runtime=%s seed=%llu clients=%d contexts=%d "
               "duration=%.0fs watchdog=%llums out=%s\n"
               "damon-stress: the program of the run in progress is kept in %s "
               "(a sanitizer report or crash leaves it behind)\n",
               c_.settings.profile.c_str(), info_.runtime.c_str(),
               static_cast<unsigned long long>(c_.seed), c_.workload.clients, c_.workload.contexts,
               c_.duration_s, static_cast<unsigned long long>(info_.watchdog_ms),
               c_.out_dir.c_str(), info_.current_file.c_str());
  progress_ = std::make_unique<ProgressLine>(stats_, info_.watchdog_ms);
  hang_.dir = c_.out_dir;
  hang_.progress = progress_.get();
  hang_.seen = &seen_;
  hang_.stop_on = &c_.settings.stop_on;
  install_stop_handlers();
  install_sanitizer_hooks();

  const uint64_t deadline_ns = static_cast<uint64_t>(c_.duration_s * 1e9);
  while (stats_.now_ns() < deadline_ns && !stop_requested()) {
    const RunInfo r = next_run();
    program::Rng rng(r.run_seed);
    const program::Program p = generate_program(rng, c_.workload);
    if (!run_one(r, p)) {
      finish("finding");
      return 1;
    }
  }
  finish(stop_requested() ? (stop_signal() == SIGINT ? "SIGINT" : "SIGTERM") : "duration");
  return info_.selected_findings || info_.sanitizer_reports ? 1 : 0;
}

}  // namespace
}  // namespace stress

int main(int argc, char** argv) {
  stress::Config c;
  CLI::App app{"damon-stress: random real-thread stress workloads against a DAMON profile"};
  stress::add_options(app, &c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is not an error
  }
  std::string err;
  if (!stress::finish_config(&c, &err)) {
    std::fprintf(stderr, "damon-stress: error: %s\n", err.c_str());
    return 2;
  }
  stress::Session session(c);
  const int rc = session.run();
  if (session.abandoned_threads()) {
    std::fflush(nullptr);
    std::_Exit(rc);
  }
  return rc;
}
