#include "harness/program/explore.h"

#include <chrono>

#include "harness/runtime/strategy_dfs.h"

namespace program {

ExploreResult explore(const Program& p, const ExploreConfig& cfg,
                      const ExploreFindingFn& on_finding) {
  ExploreResult r;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Program prog = p;
  prog.schedule = rt::Schedule{};
  for (int k = cfg.min_preemptions; k <= cfg.max_preemptions && !r.stopped && !r.budget; k++) {
    rt::DfsStrategy dfs(k, cfg.sleep_sets);
    RunConfig run = cfg.run;
    run.runtime = rt::RuntimeKind::kSim;
    run.external_strategy = &dfs;
    ExploreBound b;
    b.preemptions = k;
    for (;;) {
      if ((cfg.max_schedules && r.schedules >= cfg.max_schedules) ||
          (cfg.max_seconds > 0 && elapsed() >= cfg.max_seconds)) {
        r.budget = true;
        break;
      }
      const Outcome o = execute(prog, run);
      r.schedules++;
      b.schedules++;
      if (dfs.diverged()) r.diverged++;
      if (dfs.redundant()) b.redundant++;
      if (o.verdict != rt::Verdict::kOk &&
          on_finding(o, static_cast<int>(o.run.schedule.preemptions.size()))) {
        r.stopped = true;
        break;
      }
      if (!dfs.advance()) {
        b.complete = true;
        break;
      }
    }
    r.bounds.push_back(b);
  }
  r.seconds = elapsed();
  return r;
}

}  // namespace program
