// What damon-stress writes and prints about a run: the program of the run in
// progress (DIR/current.txt, rewritten atomically before each run so that a
// sanitizer abort still leaves it), finding files that replay, and the report of
// a hang or protocol finding on stderr.
#pragma once

#include <cstdint>
#include <string>

#include "harness/program/executor.h"
#include "harness/program/finding.h"

namespace stress {

// Identifies one run of a session.
struct RunInfo {
  std::string profile;
  rt::RuntimeKind runtime = rt::RuntimeKind::kSim;
  program::StrategyKind strategy = program::StrategyKind::kProgram;
  uint64_t session_seed = 0;
  uint64_t run_index = 0;
  uint64_t run_seed = 0;  // the generator's and the strategy's seed for this run
};

// The command that runs `path` the way this run ran it (strategy and seed
// included for sim, since current.txt has no recorded schedule).
std::string rerun_command(const std::string& path, const RunInfo& r);
bool write_current(const std::string& path, const program::Program& p, const RunInfo& r,
                   std::string* err);

// For an os finding: the command that looks for it in sim. The os run's
// schedule is not recorded, so it tries many random schedules of the program,
// stopping only on the sim verdicts the os verdict can be: a hang on real
// threads is a deadlock, a lost request or a livelock in sim. Without the
// filter, another finding of the same program (a use after free, say) would end
// the search first.
std::string sim_search_command(const std::string& path, const std::string& profile,
                               rt::Verdict os_verdict);

// Writes the finding file into `dir`; returns its path ("" and *err on failure).
// An os finding's file also names sim_search_command() in its detail.
std::string write_finding_file(const std::string& dir, const program::FindingFile& f,
                               std::string* err);
program::FindingFile make_finding(const program::Program& replay, rt::Verdict v,
                                  const rt::Finding& finding, const RunInfo& r);

// Verdict, message, site, detail (blocked threads, what they wait on, their
// recent points) and the last operations of every client; the op in flight is
// marked. `protocol_notes` is the run's trace notes when it was traced.
std::string finding_report(const program::Outcome& o, int last_ops);

}  // namespace stress
