#include "stress/budget.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace stress {
namespace {

// Shared with the runner thread; leaked when the run overruns.
struct Pending {
  program::Program program;
  program::RunConfig cfg;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  program::Outcome out;
};

}  // namespace

std::optional<program::Outcome> execute_with_budget(const program::Program& p,
                                                    const program::RunConfig& cfg,
                                                    uint64_t budget_ms) {
  auto* run = new Pending;
  run->program = p;
  run->cfg = cfg;
  std::thread([run] {
    program::Outcome o = program::execute(run->program, run->cfg);
    std::lock_guard<std::mutex> g(run->mu);
    run->out = std::move(o);
    run->done = true;
    run->cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> g(run->mu);
  if (!run->cv.wait_for(g, std::chrono::milliseconds(budget_ms), [run] { return run->done; }))
    return std::nullopt;
  program::Outcome o = std::move(run->out);
  g.unlock();
  delete run;
  return o;
}

program::Outcome overrun_outcome(const program::Program& p, uint64_t budget_ms) {
  program::Outcome o;
  o.verdict = rt::Verdict::kLivelock;
  o.replay = p;
  rt::Finding f;
  f.verdict = o.verdict;
  f.message = fmt::format(
      "os run still going after {} ms with no wait the watchdog could see: some thread "
      "polls (sleeps in a loop) for a condition that never comes",
      budget_ms);
  f.detail =
      "replay it in sim to see which thread polls and why:\n"
      "  damon-harness run FILE --profile P --runtime sim --strategy random --runs 1000";
  o.run.verdict = o.verdict;
  o.run.findings.push_back(f);
  return o;
}

}  // namespace stress
