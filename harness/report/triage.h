// Triage: replay every input, classify it, bucket by signature, minimise each
// bucket's representative and run the minimal program on every profile.
//
// Promises:
//  - deterministic for a given set of inputs and options, whatever --jobs is
//    (results are ordered by input path, buckets by first member);
//  - each input is replayed sim_replays times in sim with its own schedule
//    (StrategyKind::kProgram); a finding file recorded on os is also replayed
//    os_replays times on os (the watchdog never aborts the process);
//  - the profile an input is triaged on: --profile if given, else the one its
//    header or first expectation names, else the first profile (in
//    program::profiles() order) on which it gives a finding; with all_profiles,
//    every profile, each (input, profile) pair with a finding joining a bucket;
//  - a bucket's representative is its smallest member (fewest ops, then fewest
//    preemptions); minimisation keeps the bucket's signature;
//  - each profile's cell comes from a search (program::explore) of the minimal
//    program's schedules for the bucket's signature, within search_preemptions
//    and search_max_schedules; the replay of the minimal program's own
//    schedule is kept beside it as a separate column (profiles differ in their
//    scheduling points, so one schedule lands elsewhere on another profile);
//  - never throws for a bad input: it lands in TriageReport::skipped.
#pragma once

#include <string>
#include <vector>

#include "harness/program/executor.h"
#include "harness/report/classify.h"
#include "harness/report/inputs.h"
#include "harness/report/signature.h"

namespace report {

struct TriageOptions {
  std::vector<std::string> paths;
  std::string profile;  // empty: see above
  bool all_profiles = false;
  int jobs = 1;
  int sim_replays = 10;
  int os_replays = 3;
  bool minimize = true;
  int minimize_max_runs = 1500;
  int search_preemptions = 2;  // < 0: no search, the replay column only
  uint64_t search_max_schedules = 20000;
};

struct InputResult {
  std::string path;
  std::string profile;
  InputKind kind = InputKind::kText;
  program::Program program;  // with the schedule of the first replay
  ReplayStats stats;
  Signature signature;
  TriageClass cls = TriageClass::kNoLongerReproduces;
};

// The search for a bucket's signature on one profile.
struct SearchCell {
  bool ran = false;
  bool found = false;
  int preemptions = 0;  // found: of the first schedule that showed it
  int bound = 0;        // the bound searched
  bool complete = false;
  uint64_t schedules = 0;
  // "found (2 preemptions)", "not found within 2 (complete)",
  // "not found (incomplete, budget)", "-" when no search ran.
  std::string text() const;
};

struct ProfileCell {
  std::string profile;
  rt::Verdict verdict = rt::Verdict::kOk;  // replay of the minimal program's schedule
  bool reproduces = false;                 // that replay has the bucket's signature
  SearchCell search;
};

struct Bucket {
  int id = 0;  // 1-based, in report order
  TriageClass cls = TriageClass::kNoLongerReproduces;
  Signature signature;
  std::vector<size_t> members;  // indices into TriageReport::inputs
  size_t representative = 0;
  program::Program minimal;
  int minimize_runs = 0;
  std::vector<ProfileCell> matrix;
  std::string timeline;  // of the minimal program on the representative's profile
};

struct TriageReport {
  std::vector<InputResult> inputs;
  std::vector<Skipped> skipped;
  std::vector<Bucket> buckets;
  double seconds = 0;
};

// Replays one program on one profile; fills stats and signature.
InputResult triage_one(const program::Program& p, const Input& in,
                       const program::ProfileInfo& profile, const TriageOptions& opt);

TriageReport run_triage(const TriageOptions& opt);

// Runs fn(i) for i in [0, n) on `jobs` OS threads.
void parallel_for(size_t n, int jobs, const std::function<void(size_t)>& fn);

}  // namespace report
