// What the fuzz targets share: settings from the options table (environment
// only: libFuzzer owns the command line), the profile from the binary's name for
// OSS-Fuzz, the findings store, finding files beside libFuzzer's artifacts, the
// feedback, and the replay mode used when the targets are built without
// libFuzzer (fuzz/replay_main.cc).
//
// Contract (docs/ci.md). A protocol finding has a signature (report/signature.h).
// With a store (DWH_STORE, report/store.h), a signature already in it only
// raises its count, and the input returns normally. A signature new to the
// store, or any finding without a store:
//  - crash mode (DWH_ON_FINDING=crash, the default, one crash per bug as
//    OSS-Fuzz expects): writes the store's file, writes its text program to
//    <artifact_prefix>crash-<sha1 of the input>.txt, prints
//      ==DAMON-HARNESS== FINDING verdict=<v> profile=<p> file=<path>
//      replay: damon-harness run <path> --profile <p>
//      ASSERTION FAILED: damon-harness <v> <signature id>: <signature key>
//    and aborts, so libFuzzer saves crash-<sha1> beside it; the last line
//    gives each signature its own ClusterFuzz crash state;
//  - keep mode (DWH_ON_FINDING=keep, ci/fuzz.sh): writes the store's file (the
//    store defaults to the -artifact_prefix folder), prints the FINDING and
//    replay lines with file=<the store's file> and goes on fuzzing.
// Every finding marks its signature's extra counter, so an input that reaches
// a new signature is new coverage and stays in the corpus.
// In replay mode a finding is printed and counted instead, and only a store
// named by DWH_STORE is written.
//
// With a stop-on filter (DWH_STOP_ON, harness/program/finding_filter.h), a finding
// it does not select is no crash: it is counted, the first of each verdict is
// named in one stderr line, and the totals are printed at exit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/program/finding.h"
#include "harness/program/options.h"
#include "harness/report/signature.h"

namespace fuzz {

struct Target {
  std::string name;  // "fuzz_walk_sim"
  program::Settings settings;
  const program::ProfileInfo* profile = nullptr;
  std::string artifact_prefix;  // libFuzzer's -artifact_prefix=, "" = current folder
  bool replay_mode = false;
  std::string current_input;  // replay mode: the file being run
};

Target& target();

// For LLVMFuzzerInitialize: settings from the environment; if DAMON_PROFILE is
// unset and argv[0]'s base name is <name>_<suffix>, the profile whose name with
// '.' and '-' written as '_' is <suffix> (fuzz_walk_sim_v7_0_rc -> v7.0-rc);
// -artifact_prefix= from argv. Exits 2 with a message on a bad setting.
void init(const char* name, int argc, char** argv);

// Text if it looks like text, else bytes. False for text that does not parse
// (reported and counted as bad input in replay mode).
bool input_program(const uint8_t* data, size_t size, program::Program* out);

// True if the stop-on filter selects the finding (always, without a filter);
// "-documented" passes over the profile's known findings (report/known.h).
bool stops(const program::FindingFile& f, const report::Signature& s);
// A protocol finding of outcome `o`: see the contract above. Aborts only in
// crash mode, on a selected signature new to the store.
void on_finding(const program::Outcome& o, const program::FindingFile& f, const uint8_t* data,
                size_t size);
// Flushes the store's pending counts (also done at exit).
void flush_store();
// Writes the finding file for `data` (<artifact_prefix>crash-<sha1>.txt) and
// returns its path; no abort. Safe to call from the os runtime's watchdog thread.
std::string write_finding(const program::FindingFile& f, const uint8_t* data, size_t size);
// The FINDING and replay lines of the contract for the file at `path`.
std::string finding_lines(const program::FindingFile& f, const std::string& path);
// What crash mode prints before it aborts: finding_lines(), the "finding:"
// message and, last, report::assertion_line(s).
std::string crash_report(const program::FindingFile& f, const report::Signature& s,
                         const std::string& path);

// libFuzzer extra counters keyed by pairs of consecutive scheduling points on
// different threads (hash of the two sites): a new interleaving is new coverage.
// Off by default (DWH_INTERLEAVING_FEEDBACK=1): the object pairs below reach
// the review thread's scenario more often (docs/benchmarks.md).
void add_interleaving_feedback(const rt::RunResult& run);

// Object feedback: libFuzzer extra counters keyed by pairs of consecutive
// accesses to one tracked object (kernel/world.h) by different threads: the
// site of the earlier access and the site of the later one, as KRACE's alias
// coverage does for memory. A request that a second thread touches at a new
// point of its life is new coverage, even where the thread switches around it
// are not. object_feedback_hook() is the access hook to set in a run's
// RunConfig (sim runtime only: the hook keeps unsynchronised state);
// begin_object_feedback() clears that state before each run.
program::AccessHook object_feedback_hook();
void begin_object_feedback();

// Lower-case hex SHA-1, as libFuzzer names its artifacts.
std::string sha1_hex(const uint8_t* data, size_t size);

struct ReplayStats {
  int inputs = 0;
  int findings = 0;  // selected by the stop-on filter
  int bad = 0;
};
ReplayStats& replay_stats();

}  // namespace fuzz
