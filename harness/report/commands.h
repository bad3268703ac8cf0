// The logic of the triage, timeline and minimize subcommands, kept apart from
// argument parsing (harness/cli/cmd_*.cc) so tests can call it directly.
//
// Promises: each returns the exit code of harness/cli/commands.h (0 nothing
// found, 1 a finding: a bucket or a run that reproduces one, 2 bad input: unknown
// profile, unreadable FILE, unwritable output); input files are never modified;
// normal output goes to `out`, diagnostics to `err`, and the profile used is
// always printed.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "harness/report/timeline.h"
#include "harness/report/triage.h"

namespace report {

struct TriageArgs {
  TriageOptions options;
  std::string out_dir = "triage-out";
};
int triage_command(const TriageArgs& args, std::ostream& out, std::ostream& err);

struct TimelineArgs {
  std::string file;
  std::string profile;  // empty: the file's header/expectation, else pause-rfc
  TimelineOptions timeline;
};
int timeline_command(const TimelineArgs& args, std::ostream& out, std::ostream& err);

inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitBadInput = 2;

struct MinimizeArgs {
  std::string file;
  std::string profile;
  std::string output;  // -o; empty: print only
  int max_runs = 3000;
  // Schedules the search for the fewest preemptions may run (0: no search).
  uint64_t search_max_schedules = 200000;
};
int minimize_command(const MinimizeArgs& args, std::ostream& out, std::ostream& err);

// Profile for a single-file command: `requested`, else the input's own, else
// kDefaultProfile. Null (with a message in *error) for an unknown name.
inline constexpr const char* kDefaultProfile = "pause-rfc";
const program::ProfileInfo* pick_profile(const std::string& requested, const Input& in,
                                         std::string* error);

}  // namespace report
