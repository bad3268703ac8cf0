// The livelock judge (docs/model.md, "Liveness"): a livelock is virtual time
// passing beyond the run's own longest legitimate wait while no client makes
// progress, or a spin in which virtual time stands still; the step and time
// caps are only safety nets and end a run as budget-exhausted, no finding.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "harness/kernel/kernel.h"
#include "harness/kernel/world.h"
#include "harness/program/executor.h"
#include "harness/program/liveness.h"
#include "harness/program/profiles.h"
#include "program_testing.h"

namespace {

using program::testing::parse_text;

// cpu0 polls a flag every 5 ms; the worker raises it after `ticks` samples of
// 5 ms, never when `ticks` is negative (the planted livelock: both threads run
// and sleep for ever, and cpu0 never gets anywhere). The flag is atomic: the
// sim's fibers are ThreadSanitizer threads ordered only by the model's locks,
// and this test is about time, not races.
rt::RunResult poll_flag(int ticks, const rt::Options& o) {
  auto s = rt::make_random_strategy(7);
  auto e = rt::make_sim_execution(*s, 0, o);
  kernel::World w;
  w.attach(*e);
  std::atomic<bool> flag = false;
  e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    while (!flag) kernel::schedule_timeout_idle_ms_at(5, RT_SITE("poll flag"));
  });
  e->spawn("worker", rt::ThreadKind::kKthread, [&, ticks] {
    for (int i = 0; ticks < 0 || i < ticks; i++) {
      kernel::shared_access_at(RT_SITE("sample"));
      kernel::schedule_timeout_idle_ms_at(5, RT_SITE("sample sleep"));
    }
    flag = true;
  });
  return e->run();
}

rt::Options judged(uint64_t livelock_ms) {
  rt::Options o;
  o.record_trace = false;
  o.livelock_ns = livelock_ms * 1000000;
  return o;
}

TEST(LivelockJudge, APollThatNeverEndsIsALivelockByVirtualTime) {
  const rt::RunResult r = poll_flag(-1, judged(2000));
  ASSERT_EQ(r.verdict, rt::Verdict::kLivelock) << r.findings[0].message;
  EXPECT_NE(r.findings[0].message.find("cpu0"), std::string::npos) << r.findings[0].message;
  EXPECT_NE(r.findings[0].message.find("virtual time"), std::string::npos);
  // Declared once the bound has passed, not before. The judge's clock counts
  // a timer fired ahead of a runnable thread as at most 1 ms, so virtual time
  // may run somewhat further.
  EXPECT_GT(r.virtual_ns, 2000ull * 1000000);
  EXPECT_LT(r.virtual_ns, 4000ull * 1000000);
}

// The clean twin: the same poll ends after 3 s of virtual time, longer than
// any step count the old fixed budget allowed, within the bound.
TEST(LivelockJudge, ALongLegitimateWaitIsNoLivelock) {
  const rt::RunResult r = poll_flag(600, judged(5000));
  EXPECT_EQ(r.verdict, rt::Verdict::kOk) << (r.findings.empty() ? "" : r.findings[0].message);
  EXPECT_GT(r.virtual_ns, 3000ull * 1000000);
}

// The step cap reports something distinct, which is no finding.
TEST(LivelockJudge, TheStepCapIsASafetyNetNotALivelock) {
  rt::Options o = judged(5000);
  o.max_steps = 500;
  const rt::RunResult r = poll_flag(600, o);
  ASSERT_EQ(r.verdict, rt::Verdict::kBudgetExhausted);
  EXPECT_FALSE(rt::is_protocol_bug(r.verdict));
  EXPECT_NE(r.findings[0].message.find("inconclusive"), std::string::npos);
}

// A thread that runs for ever without sleeping lets no time pass: a spin.
TEST(LivelockJudge, ASpinWithoutTimeIsALivelock) {
  rt::Options o = judged(5000);
  o.max_spin_steps = 5000;
  auto s = rt::make_random_strategy(3);
  auto e = rt::make_sim_execution(*s, 0, o);
  kernel::World w;
  w.attach(*e);
  std::atomic<bool> flag = false;
  e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    while (!flag) kernel::shared_access_at(RT_SITE("spin on flag"));
  });
  const rt::RunResult r = e->run();
  ASSERT_EQ(r.verdict, rt::Verdict::kLivelock);
  EXPECT_NE(r.findings[0].message.find("spin"), std::string::npos) << r.findings[0].message;
}

// The bound follows the program: longer apply intervals and sleeps widen it.
TEST(LivelockJudge, TheBoundFollowsTheProgramsParameters) {
  const program::ProfileInfo& prof = *program::find_profile("mm-new");
  const rt::Options o;
  const program::Program base = parse_text("damon-harness program v1\ncpu0: walk ctx0\n");
  const program::Program slow = parse_text(
      "damon-harness program v1\ncpu0: commit ctx0 schemes=1 intervals=8\n"
      "cpu0: sleep 900\ncpu0: walk ctx0\n");
  const uint64_t b = program::livelock_bound_ns(base, prof, o);
  const uint64_t s = program::livelock_bound_ns(slow, prof, o);
  EXPECT_GT(b, o.teardown_grace_ns);
  EXPECT_GE(s, b + 900ull * 1000000);
}

// A program that waits legitimately for long: two kdamonds sampling while
// cpu1 sleeps, walks that wait for apply intervals of 8 samples. It takes more
// than the 20,000 steps the fuzz targets once called a livelock; it is `ok`
// on every profile, and with that step count as the cap it is
// budget-exhausted, not a livelock. (v6.14's second walk returns early with
// F2, docs/findings.md: that run ends at its finding.)
TEST(LivelockJudge, ALongWalkProgramIsOkOnEveryProfile) {
  const program::Program p = parse_text(
      "damon-harness program v1\n"
      "cpu0: commit ctx0 schemes=3 intervals=8,8,8\n"
      "cpu0: commit ctx1 schemes=3 intervals=8,8,8\n"
      "cpu0: start ctx0+ctx1\n"
      "cpu0: walk ctx0\ncpu0: walk ctx1\n"
      "cpu1: sleep 1000\ncpu1: sleep 1000\ncpu1: sleep 1000\ncpu1: sleep 1000\n"
      "cpu1: sleep 1000\ncpu1: sleep 1000\n"
      "cpu1: walk ctx0\n");
  for (const program::ProfileInfo& prof : program::profiles()) {
    program::RunConfig cfg;
    cfg.profile = &prof;
    cfg.options.record_trace = false;
    const program::Outcome o = program::execute(p, cfg);
    if (prof.name == "v6.14") {
      EXPECT_EQ(o.verdict, rt::Verdict::kReturnContract) << o.summary();
      continue;
    }
    EXPECT_EQ(o.verdict, rt::Verdict::kOk) << prof.name << ": " << o.summary();
    EXPECT_GT(o.run.steps, 20000u) << prof.name;
    cfg.options.max_steps = 20000;
    const program::Outcome capped = program::execute(p, cfg);
    EXPECT_EQ(capped.verdict, rt::Verdict::kBudgetExhausted)
        << prof.name << ": " << capped.summary();
  }
}

// A schedule that fires a poller's timer (damon_call()'s wait for the ctx's
// stop, 100 ms) ahead of the runnable kdamond again and again: the kdamond's
// exit takes 6 s of virtual time in 727 steps. Those 100 ms jumps are
// preemptions, not time the kdamond had to exit in: no livelock (damon-stress
// on mm-new, seed 4, reported one before the judge's clock knew that).
TEST(LivelockJudge, TimersFiredAheadOfARunnableThreadAreNoWaitingTime) {
  const program::Program p = parse_text(
      "damon-harness program v1\n"
      "cpu0: call ctx0 repeat dealloc\n"
      "cpu0: call ctx0 repeat\n"
      "cpu0: is_running ctx0\n"
      "cpu0: sleep 170\n"
      "cpu0: start ctx0 exclusive\n"
      "cpu0: walk ctx0\n"
      "cpu0: stop ctx0\n"
      "cpu0: sleep 157\n"
      "cpu0: sleep 161\n"
      "cpu0: start ctx0 exclusive\n"
      "cpu0: is_running ctx0\n"
      "cpu0: call ctx0\n"
      "cpu0: sleep 155\n"
      "cpu0: sleep 11\n"
      "cpu1: call ctx0 repeat dealloc\n"
      "cpu1: call ctx0\n"
      "cpu1: start ctx0\n"
      "cpu1: resume ctx0\n"
      "cpu1: is_running ctx0\n"
      "cpu1: invalidate ctx0\n"
      "cpu1: start ctx0 exclusive\n"
      "cpu1: stop ctx0\n"
      "cpu1: call ctx0 repeat\n"
      "cpu1: walk ctx0\n"
      "cpu1: commit ctx0 schemes=2 intervals=3,3 wmarks=off\n"
      "cpu1: resume ctx0\n"
      "cpu1: walk ctx0\n"
      "cpu1: sleep 5\n"
      "schedule: 19:0 14:4 7:0 13:4 3:4 15:0 8:4 25:0 0:0 17:0 17:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 "
      "3:1 3:1 3:1 3:0 1:0 4:0 0:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 "
      "14:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 3:1 "
      "3:1 3:1 3:1\n");
  program::RunConfig cfg;
  cfg.profile = program::find_profile("mm-new");
  const program::Outcome o = program::execute(p, cfg);
  EXPECT_EQ(o.verdict, rt::Verdict::kOk) << o.summary();
  EXPECT_GT(o.run.virtual_ns, program::livelock_bound_ns(p, *cfg.profile, cfg.options));
}

}  // namespace
