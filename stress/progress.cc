#include "stress/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace stress {

std::string progress_text(const Stats& s, uint64_t watchdog_ms) {
  const double secs = static_cast<double>(s.now_ns()) / 1e9;
  const uint64_t runs = s.runs.load(std::memory_order_relaxed);
  const uint64_t ops = s.ops.load(std::memory_order_relaxed);
  const double per = secs > 0 ? 1 / secs : 0;
  std::string out = fmt::format("[{:5.0f}s] runs {} ({:.0f}/s) ops {} ({:.0f}/s) |", secs, runs,
                                runs * per, ops, ops * per);
  for (int b = 0; b < kNumBuckets; b++)
    out += fmt::format(" {}:{}", kBucketNames[b], s.calls[b].load(std::memory_order_relaxed));
  if (watchdog_ms) {
    // os: what the watchdog itself measures, so the margin is the real one.
    const WaitView w = wait_view();
    const uint64_t worst_ms = std::max(w.current_ns, w.longest_ns) / 1000000;
    out += fmt::format(" | wait {}ms longest {}ms | watchdog {}ms margin {}ms",
                       w.current_ns / 1000000, w.longest_ns / 1000000, watchdog_ms,
                       static_cast<int64_t>(watchdog_ms) - static_cast<int64_t>(worst_ms));
  } else {
    // sim: a run's wall-clock age bounds every wait inside it.
    out += fmt::format(" | run {}ms longest {}ms", s.current_wait_ns() / 1000000,
                       s.max_run_ns.load(std::memory_order_relaxed) / 1000000);
  }
  out += fmt::format(" | rss {}MiB", resident_kib() / 1024);
  return out;
}

ProgressLine::ProgressLine(const Stats& stats, uint64_t watchdog_ms)
    : stats_(stats), watchdog_ms_(watchdog_ms), tty_(isatty(STDERR_FILENO)) {
  th_ = std::thread([this] { loop(); });
}

ProgressLine::~ProgressLine() {
  stop();
}

void ProgressLine::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  th_.join();
  break_line();
}

void ProgressLine::break_line() {
  std::lock_guard<std::mutex> g(mu_);
  if (mid_line_) std::fputc('\n', stderr);
  mid_line_ = false;
  std::fflush(stderr);
}

void ProgressLine::loop() {
  std::unique_lock<std::mutex> g(mu_);
  while (!cv_.wait_for(g, std::chrono::seconds(1), [this] { return stop_; })) {
    const std::string line = progress_text(stats_, watchdog_ms_);
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
      mid_line_ = true;
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    std::fflush(stderr);
  }
}

}  // namespace stress
