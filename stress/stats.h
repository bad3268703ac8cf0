// Counters of one damon-stress session, shared between the run loop (writer) and
// the progress line (reader). Plain relaxed atomics: the reader only displays.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "harness/program/executor.h"

namespace stress {

// Return values of API calls, in the buckets the progress line shows.
enum CallBucket { kRetZero, kRetEbusy, kRetEinval, kRetEcanceled, kRetOther, kNumBuckets };
inline constexpr const char* kBucketNames[kNumBuckets] = {"0", "EBUSY", "EINVAL", "ECANCELED",
                                                          "other"};
inline constexpr int kNumVerdicts = static_cast<int>(rt::Verdict::kHarnessBug) + 1;

// Resident memory of this process now (/proc/self/statm) and at its peak
// (getrusage), in KiB; 0 if unknown.
uint64_t resident_kib();
uint64_t peak_resident_kib();

struct Stats {
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  std::atomic<uint64_t> runs{0};
  std::atomic<uint64_t> ops{0};  // operations that returned
  std::array<std::atomic<uint64_t>, kNumBuckets> calls{};
  std::array<std::atomic<uint64_t>, kNumVerdicts> verdicts{};
  std::atomic<uint64_t> run_start_ns{0};  // since t0; 0 while between runs
  std::atomic<uint64_t> max_run_ns{0};    // longest run so far (wall clock)
  std::atomic<uint64_t> total_run_ns{0};
  const uint64_t start_rss_kib = resident_kib();

  uint64_t now_ns() const;
  // The current run's age: an upper bound of every wait inside it.
  uint64_t current_wait_ns() const;
  void begin_run();
  // Counts a finished run: its verdict, its ops, its calls by return value.
  void end_run(const program::Outcome& o);
};

CallBucket bucket_of(int ret);

// The os watchdog's measurements (harness/runtime's WatchdogGauge): zero in sim.
struct WaitView {
  uint64_t current_ns = 0;           // the longest wait in progress at its last poll
  uint64_t longest_ns = 0;           // the longest wait that ended, hangs excluded
  std::string longest_site;          // where that wait was
  uint64_t longest_poll_gap_ns = 0;  // the watchdog's own longest stall between polls
};
WaitView wait_view();

}  // namespace stress
