// Cross-check: every program run on two profiles, searched the same way on
// both, and the outcomes compared by signature. A difference is either listed
// in a known-differences file (a real version difference, with its reason) or
// unexplained; the command exits 1 on an unexplained one.
//
// Each side of a row is:
//  - the program's own schedule (the verdict and signature a replay gives);
//  - the distinct signatures a systematic search (program::explore) finds
//    within `search_preemptions` and `search_max_schedules`, and whether that
//    search was complete.
// Two sides agree when both parts are equal. A schedule counts decisions of the
// code under test, so a program's own schedule may mean another interleaving
// on another backend; the search part does not depend on it.
//
// Known-differences file: one line per difference,
//   PROGRAM PROFILE PROFILE: reason
// PROGRAM is a path relative to the file's folder (a glob: fnmatch(3)), the two
// profiles in either order; '#' starts a comment line. The reason is required.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "harness/program/profiles.h"
#include "harness/report/inputs.h"

namespace report {

inline constexpr const char* kKnownDifferencesFile = "known-differences.txt";

struct KnownDifference {
  std::string program;  // glob, relative to the file's folder
  std::string a, b;
  std::string reason;
  int line = 0;
};

// Reads `path`. Returns false with *error = "FILE:LINE: what" on a bad line.
bool load_known_differences(const std::string& path, std::vector<KnownDifference>* out,
                            std::string* error);

struct CrossSide {
  rt::Verdict verdict = rt::Verdict::kOk;  // the program's own schedule
  std::string signature;                   // its signature key
  std::vector<std::string> searched;       // distinct signature keys the search found, sorted
  uint64_t schedules = 0;
  bool complete = false;  // the search ran every schedule within its bound
  bool operator==(const CrossSide& o) const {
    return verdict == o.verdict && signature == o.signature && searched == o.searched;
  }
};

enum class CrossStatus { kAgree, kDiffer, kKnown };

struct CrossRow {
  std::string path;
  std::string relpath;  // relative to the known-differences file's folder
  CrossSide a, b;
  CrossStatus status = CrossStatus::kAgree;
  std::string reason;  // kKnown: the file's reason
};

struct CrossOptions {
  std::vector<std::string> paths;
  std::string profile_a, profile_b;
  int search_preemptions = 1;  // < 0: no search, the program's own schedule only
  uint64_t search_max_schedules = 1000;
  int jobs = 1;
  std::string known_file;  // empty: known-differences.txt next to the first PATH, if any
  bool json = false;
};

// One side: the program's own schedule, then the search.
CrossSide cross_side(const program::Program& p, const program::ProfileInfo& profile,
                     const CrossOptions& opt);

// damon-harness crosscheck: prints the table (or JSON) to `out`; exit code 0
// when every row agrees or is a known difference, 1 on an unexplained
// difference, 2 on bad input.
int crosscheck_command(const CrossOptions& opt, std::ostream& out, std::ostream& err);

}  // namespace report
