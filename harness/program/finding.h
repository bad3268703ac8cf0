// Finding files: every failure becomes a text program that replays it (shuttle
// failure.rs, syzkaller's repro programs). The file is the program with the
// schedule actually run, headed by comments that say what was found, where, with
// which profile, runtime, strategy and seed, and the exact command that replays it:
//
//   damon-harness program v1
//   # damon-harness finding: lost-request
//   # profile: pause-rfc, runtime: sim, strategy: random, seed: 7
//   # finding: cpu0 waits forever on completion walk#1 ...
//   # site: damos_walk:wait completion (tid 0, step 131)
//   # detail:
//   # | ...
//   # replay: damon-harness run finding.txt --profile pause-rfc
//   # expect pause-rfc: lost-request
//   cpu0: ...
//   schedule: ...
//
// Sim findings carry an expectation for their profile, so `damon-harness check`
// accepts the file as it is; os findings do not (their schedule is not recorded).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/program/executor.h"
#include "harness/program/options.h"

namespace program {

struct FindingFile {
  Program program;  // replays the finding (the schedule actually run, for sim)
  rt::Verdict verdict = rt::Verdict::kOk;
  rt::Finding finding;
  std::string profile;
  rt::RuntimeKind runtime = rt::RuntimeKind::kSim;
  StrategyKind strategy = StrategyKind::kProgram;
  uint64_t seed = 0;
  uint64_t max_steps = 0;  // when not the default: the replay command passes it on
  std::string origin;      // optional: "fuzz_walk_sim", "damon-harness run in.txt"
  std::string signature;   // optional: report::Signature::key(), a "# signature:" line
};

// From an outcome of execute(); `run_seed` is the seed of the run that found it.
FindingFile finding_from_outcome(const Outcome& o, const Settings& s, uint64_t run_seed,
                                 std::string origin);
// "damon-harness run PATH --profile P" (plus "--runtime os" for os findings, and
// "--max-steps N" when N is not the default).
std::string replay_command(std::string_view path, std::string_view profile, rt::RuntimeKind runtime,
                           uint64_t max_steps = 0);
// The file's text; `path` is where it will live (for the replay command).
std::string format_finding(const FindingFile& f, std::string_view path);
// "finding-<verdict>-<16 hex digits of a hash of the program>.txt"
std::string finding_file_name(const FindingFile& f);
// Writes format_finding() to `path` atomically. Errors read "PATH: error: ...".
bool write_finding(const FindingFile& f, const std::string& path, std::string* err);
// Temp file in the same folder + rename(2): readers see the old file or the new one.
bool write_file_atomic(const std::string& path, std::string_view data, std::string* err);

}  // namespace program
