#include "stress/summary.h"

#include <algorithm>

#include <fmt/format.h>

namespace stress {
namespace {

double ms(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

}  // namespace

nlohmann::json summary_json(const Stats& s, const SessionInfo& info) {
  const double secs = static_cast<double>(s.now_ns()) / 1e9;
  const uint64_t runs = s.runs.load();
  nlohmann::json j;
  j["profile"] = info.profile;
  j["runtime"] = info.runtime;
  j["seed"] = info.seed;
  j["clients"] = info.clients;
  j["contexts"] = info.contexts;
  j["mix"] = info.mix;
  j["duration_s"] = info.duration_s;
  j["elapsed_s"] = secs;
  j["stopped_by"] = info.stopped_by;
  j["runs"] = runs;
  j["ops"] = s.ops.load();
  j["runs_per_s"] = secs > 0 ? runs / secs : 0;
  j["ops_per_s"] = secs > 0 ? s.ops.load() / secs : 0;
  for (int b = 0; b < kNumBuckets; b++) j["calls"][kBucketNames[b]] = s.calls[b].load();
  for (int v = 0; v < kNumVerdicts; v++) {
    if (const uint64_t n = s.verdicts[v].load())
      j["verdicts"][std::string(rt::verdict_name(static_cast<rt::Verdict>(v)))] = n;
  }
  j["max_run_ms"] = ms(s.max_run_ns.load());
  j["mean_run_ms"] = runs ? ms(s.total_run_ns.load()) / runs : 0;
  if (info.watchdog_ms) {
    const WaitView w = wait_view();
    j["watchdog_ms"] = info.watchdog_ms;
    j["max_wait_ms"] = ms(w.longest_ns);
    j["max_wait_site"] = w.longest_site;
    j["max_poll_gap_ms"] = ms(w.longest_poll_gap_ns);
    j["watchdog_margin_ms"] = static_cast<double>(info.watchdog_ms) - ms(w.longest_ns);
  }
  j["rss_start_kib"] = s.start_rss_kib;
  const uint64_t end_rss = resident_kib();
  j["rss_end_kib"] = end_rss;
  j["rss_peak_kib"] = std::max(end_rss, peak_resident_kib());  // ru_maxrss lags a little
  j["sanitizer_reports"] = info.sanitizer_reports;
  if (!info.sanitizer_file.empty()) j["sanitizer_file"] = info.sanitizer_file;
  j["findings"] = info.findings;
  j["selected_findings"] = info.selected_findings;
  j["finding"] = nullptr;
  if (!info.finding_verdict.empty()) {
    j["finding"] = {{"verdict", info.finding_verdict},
                    {"message", info.finding_message},
                    {"file", info.finding_file}};
  }
  j["current_file"] = info.current_file;
  return j;
}

std::string summary_text(const Stats& s, const SessionInfo& info) {
  const nlohmann::json j = summary_json(s, info);
  std::string out = fmt::format(
      "damon-stress summary: profile={} runtime={} seed={} clients={} contexts={}\n"
      "  {:.1f}s (stopped by {}), {} runs ({:.1f}/s), {} ops ({:.0f}/s)\n",
      info.profile, info.runtime, info.seed, info.clients, info.contexts,
      j["elapsed_s"].get<double>(), info.stopped_by, j["runs"].get<uint64_t>(),
      j["runs_per_s"].get<double>(), j["ops"].get<uint64_t>(), j["ops_per_s"].get<double>());
  out += "  calls:";
  for (int b = 0; b < kNumBuckets; b++)
    out += fmt::format(" {}={}", kBucketNames[b], s.calls[b].load());
  out += "\n  verdicts:";
  if (j.contains("verdicts"))
    for (const auto& [name, n] : j["verdicts"].items())
      out += fmt::format(" {}={}", name, n.get<uint64_t>());
  out += fmt::format("\n  longest run {:.1f} ms, mean run {:.2f} ms\n",
                     j["max_run_ms"].get<double>(), j["mean_run_ms"].get<double>());
  if (info.watchdog_ms) {
    out += fmt::format(
        "  longest wait {:.1f} ms at {}, watchdog {} ms, margin {:.0f} ms; longest "
        "watchdog poll gap {:.1f} ms\n",
        j["max_wait_ms"].get<double>(),
        j["max_wait_site"].get<std::string>().empty() ? "-" : j["max_wait_site"].get<std::string>(),
        info.watchdog_ms, j["watchdog_margin_ms"].get<double>(),
        j["max_poll_gap_ms"].get<double>());
  }
  out += fmt::format("  resident memory: {} KiB at start, {} KiB at end, peak {} KiB\n",
                     s.start_rss_kib, j["rss_end_kib"].get<uint64_t>(),
                     j["rss_peak_kib"].get<uint64_t>());
  if (info.sanitizer_reports)
    out += fmt::format("  {} sanitizer report(s); the first run's program is kept in {}\n",
                       info.sanitizer_reports, info.sanitizer_file);
  if (info.finding_verdict.empty()) {
    out += "  no finding\n";
  } else {
    out +=
        fmt::format("  {} finding(s), {} selected by --stop-on; FINDING {}: {}\n  written to {}\n",
                    info.findings, info.selected_findings, info.finding_verdict,
                    info.finding_message, info.finding_file);
  }
  return out;
}

}  // namespace stress
