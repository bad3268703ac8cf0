// Cost of the sim runtime's two hot paths, per scheduling point:
//  - a context switch: two client fibers at scheduling points, a strategy that
//    always picks the other one, so every point swaps fibers;
//  - a scheduling decision that keeps the current fiber: the same two fibers, a
//    strategy that always returns the default (no preemption).
// Each benchmark iteration is one execution of 2 x kPoints points; the reported
// counter "per_point" is the time of one point (decision + switch, or decision).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "harness/runtime/execution.h"
#include "harness/runtime/strategy.h"

namespace {

constexpr int kPoints = 20000;  // per thread and execution

class AlwaysSwitch final : public rt::Strategy {
 public:
  void begin(uint64_t) override {}
  size_t pick(std::span<const rt::Candidate> cands, size_t default_idx, int, bool) override {
    return (default_idx + 1) % cands.size();
  }
  std::string describe() const override { return "always-switch"; }
};

class NeverSwitch final : public rt::Strategy {
 public:
  void begin(uint64_t) override {}
  size_t pick(std::span<const rt::Candidate>, size_t default_idx, int, bool) override {
    return default_idx;
  }
  std::string describe() const override { return "never-switch"; }
};

void spin_points() {
  rt::Execution& e = rt::Execution::current();
  for (int i = 0; i < kPoints; i++) e.point(RT_SITE("bench point"));
}

rt::Options bench_options(bool trace) {
  rt::Options o;
  o.max_steps = UINT64_MAX;
  o.record_trace = trace;
  return o;
}

void run_two_threads(benchmark::State& state, rt::Strategy& strategy) {
  const rt::Options opts = bench_options(state.range(0) != 0);
  uint64_t steps = 0, runs = 0;
  for (auto _ : state) {
    std::unique_ptr<rt::Execution> e = rt::make_sim_execution(strategy, runs++, opts);
    e->spawn("a", rt::ThreadKind::kClient, spin_points);
    e->spawn("b", rt::ThreadKind::kClient, spin_points);
    rt::RunResult r = e->run();
    if (r.verdict != rt::Verdict::kOk) state.SkipWithError("run did not end ok");
    steps += r.steps;
    benchmark::DoNotOptimize(r.trace_hash);
  }
  state.counters["points"] = benchmark::Counter(2.0 * kPoints * static_cast<double>(runs));
  state.counters["per_point"] =
      benchmark::Counter(2.0 * kPoints * static_cast<double>(runs),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["steps_per_run"] = static_cast<double>(steps) / static_cast<double>(runs);
}

void BM_SimContextSwitch(benchmark::State& state) {
  AlwaysSwitch s;
  run_two_threads(state, s);
}

void BM_SimDecisionNoSwitch(benchmark::State& state) {
  NeverSwitch s;
  run_two_threads(state, s);
}

// Arg: 0 = no trace recording, 1 = trace recorded (the replay/triage setting).
BENCHMARK(BM_SimContextSwitch)->ArgName("trace")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimDecisionNoSwitch)->ArgName("trace")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
