// The end-of-session summary: text for people, JSON (--json) for scripts. The
// benchmark scripts read "ops_per_s", "max_wait_ms", "max_poll_gap_ms",
// "watchdog_ms", "rss_start_kib", "rss_end_kib", "finding.verdict" and
// "finding.file" (docs/stress.md describes every field).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "stress/stats.h"

namespace stress {

struct SessionInfo {
  std::string profile;
  std::string runtime;
  uint64_t seed = 0;
  int clients = 0;
  int contexts = 0;
  std::string mix;
  double duration_s = 0;
  uint64_t watchdog_ms = 0;        // os only
  std::string stopped_by;          // "duration", "finding", "SIGINT", "SIGTERM"
  uint64_t findings = 0;           // protocol findings written (all, with --stop-on)
  uint64_t selected_findings = 0;  // of those, the ones --stop-on selects (all without it)
  // The finding that stopped the session, else the first one.
  std::string finding_verdict;
  std::string finding_message;
  std::string finding_file;
  std::string current_file;  // the program of the run in progress
  uint64_t sanitizer_reports = 0;
  std::string sanitizer_file;  // the program kept at the first sanitizer report
};

nlohmann::json summary_json(const Stats& s, const SessionInfo& info);
std::string summary_text(const Stats& s, const SessionInfo& info);

}  // namespace stress
