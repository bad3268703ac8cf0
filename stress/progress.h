// The live progress line: about once a second on stderr, rewritten in place
// (\r) when stderr is a terminal, one line per update otherwise (logs, CI).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "stress/stats.h"

namespace stress {

// "[  12s] runs 340 (28/s) ops 5100 (425/s) | 0:1200 EBUSY:30 ... | wait 3ms
//  longest 35ms | watchdog 10000ms margin 9965ms | rss 14MiB". With a watchdog
// (os), the waits are the watchdog's own measurements (the longest wait in
// progress, the longest that ended) and the margin is the timeout minus the
// larger; without (sim, watchdog_ms 0), the age of the run in progress and of
// the longest run.
std::string progress_text(const Stats& s, uint64_t watchdog_ms);

class ProgressLine {
 public:
  ProgressLine(const Stats& stats, uint64_t watchdog_ms);
  ~ProgressLine();  // stops the thread and ends the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // Ends the current line so that other output starts on a fresh one; the next
  // update starts a new line.
  void break_line();
  void stop();

 private:
  void loop();
  const Stats& stats_;
  const uint64_t watchdog_ms_;
  const bool tty_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool mid_line_ = false;
  std::thread th_;
};

}  // namespace stress
