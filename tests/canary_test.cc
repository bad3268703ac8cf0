// Each detector fires on its planted bug within a fixed budget of seeded runs
// and stays quiet on the corrected twin over the same budget.
#include <gtest/gtest.h>

#include "canary/run.h"

namespace {

using canary::Kind;
constexpr int kBudget = 500;

// The first seed (of kBudget) whose random run ends in `want`, or -1.
int find(Kind k, bool buggy, rt::Verdict want) {
  auto s = rt::make_random_strategy(12345);
  for (int i = 0; i < kBudget; i++) {
    if (canary::run_sim(k, buggy, *s, i).verdict == want) return i;
  }
  return -1;
}

int count_findings(Kind k) {
  auto s = rt::make_random_strategy(12345);
  int n = 0;
  for (int i = 0; i < kBudget; i++)
    n += canary::run_sim(k, false, *s, i).verdict != rt::Verdict::kOk;
  return n;
}

TEST(Canary, LostWakeupFires) {
  EXPECT_GE(find(Kind::kLostWakeup, true, rt::Verdict::kLostWakeup), 0);
}
TEST(Canary, LostWakeupCleanTwin) {
  EXPECT_EQ(count_findings(Kind::kLostWakeup), 0);
}
TEST(Canary, AbbaFires) {
  EXPECT_GE(find(Kind::kAbba, true, rt::Verdict::kDeadlock), 0);
}
TEST(Canary, AbbaCleanTwin) {
  EXPECT_EQ(count_findings(Kind::kAbba), 0);
}
TEST(Canary, UseAfterReturnFires) {
  EXPECT_GE(find(Kind::kUseAfterReturn, true, rt::Verdict::kUseAfterFree), 0);
}
TEST(Canary, UseAfterReturnCleanTwin) {
  EXPECT_EQ(count_findings(Kind::kUseAfterReturn), 0);
}
TEST(Canary, NeverCompletedFires) {
  EXPECT_GE(find(Kind::kNeverCompleted, true, rt::Verdict::kDeadlock), 0);
}
TEST(Canary, NeverCompletedCleanTwin) {
  EXPECT_EQ(count_findings(Kind::kNeverCompleted), 0);
}

TEST(Canary, LostWakeupReportNamesWaiterAndDropper) {
  auto s = rt::make_random_strategy(12345);
  for (int i = 0; i < kBudget; i++) {
    rt::RunResult r = canary::run_sim(Kind::kLostWakeup, true, *s, i);
    if (r.verdict != rt::Verdict::kLostWakeup) continue;
    ASSERT_FALSE(r.findings.empty());
    EXPECT_NE(r.findings[0].message.find("cpu0"), std::string::npos);
    EXPECT_NE(r.findings[0].message.find("worker"), std::string::npos);
    EXPECT_NE(r.findings[0].site.find("wait_for_completion"), std::string::npos);
    return;
  }
  FAIL() << "no lost wakeup found";
}

TEST(Canary, AbbaReportIsAWaitForCycle) {
  auto s = rt::make_random_strategy(12345);
  for (int i = 0; i < kBudget; i++) {
    rt::RunResult r = canary::run_sim(Kind::kAbba, true, *s, i);
    if (r.verdict != rt::Verdict::kDeadlock) continue;
    ASSERT_EQ(r.findings[0].blocked.size(), 2u);
    EXPECT_EQ(r.findings[0].blocked[0].holder, r.findings[0].blocked[1].tid);
    EXPECT_EQ(r.findings[0].blocked[1].holder, r.findings[0].blocked[0].tid);
    return;
  }
  FAIL() << "no deadlock found";
}

TEST(CanaryOs, WatchdogFiresOnNeverCompleted) {
  rt::RunResult r = canary::run_os(Kind::kNeverCompleted, true, 300);
  ASSERT_EQ(r.verdict, rt::Verdict::kWatchdogHang);
  ASSERT_FALSE(r.findings[0].blocked.empty());
  EXPECT_EQ(r.findings[0].blocked[0].thread, "cpu0");
  EXPECT_NE(r.findings[0].blocked[0].wait_site.find("wait_for_completion"), std::string::npos);
}

TEST(CanaryOs, WatchdogQuietOnCleanTwin) {
  for (int i = 0; i < 20; i++) {
    EXPECT_EQ(canary::run_os(Kind::kNeverCompleted, false, 5000, i + 1).verdict, rt::Verdict::kOk);
    EXPECT_EQ(canary::run_os(Kind::kAbba, false, 5000, i + 1).verdict, rt::Verdict::kOk);
  }
}

// A thread that polls forever makes progress, so the watchdog stays quiet; the
// run budget must report it, abandon the run and park the poller.
rt::RunResult run_poller(int polls, uint64_t budget_ms, bool* abandoned) {
  rt::Options o;
  o.watchdog_abort = false;
  o.watchdog_ms = 10000;
  o.run_budget_ms = budget_ms;
  auto e = rt::make_os_execution(o);
  auto* w = new kernel::World();
  w->attach(*e);
  e->spawn("cpu0", rt::ThreadKind::kClient, [polls] {
    rt::Execution& x = rt::Execution::current();
    for (int i = 0; polls < 0 || i < polls; i++) x.sleep(1000000, RT_SITE("poll"));
  });
  rt::RunResult r = e->run();
  *abandoned = e->abandoned();
  if (*abandoned) {
    (void)e.release();  // the parked poller still uses both
  } else {
    delete w;
  }
  return r;
}

TEST(CanaryOs, RunBudgetReportsAPollerThatNeverEnds) {
  bool abandoned = false;
  const rt::RunResult r = run_poller(-1, 300, &abandoned);
  ASSERT_EQ(r.verdict, rt::Verdict::kLivelock);
  EXPECT_TRUE(abandoned);
  EXPECT_NE(r.findings[0].message.find("budget of 300 ms"), std::string::npos)
      << r.findings[0].message;
}

// After a caller-contract violation the verdict is settled: a run that then
// keeps going is abandoned at the watchdog timeout, not at the run budget, and
// what ended it is recorded after the violation.
TEST(CanaryOs, AViolationThatNeverEndsIsAbandonedAtTheWatchdog) {
  rt::Options o;
  o.watchdog_abort = false;
  o.watchdog_ms = 200;
  o.run_budget_ms = 600000;
  auto e = rt::make_os_execution(o);
  auto* w = new kernel::World();
  w->attach(*e);
  e->spawn("cpu0", rt::ThreadKind::kClient, [] {
    rt::Execution& x = rt::Execution::current();
    rt::Finding f;
    f.verdict = rt::Verdict::kCallerContract;
    f.message = "planted caller bug";
    x.report(std::move(f));
    for (;;) x.sleep(1000000, RT_SITE("poll"));
  });
  const rt::RunResult r = e->run();
  ASSERT_TRUE(e->abandoned());
  (void)e.release();  // the poller still uses both
  ASSERT_EQ(r.verdict, rt::Verdict::kCallerContract);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[1].verdict, rt::Verdict::kLivelock);
  EXPECT_NE(r.findings[1].message.find("watchdog timeout (200 ms) of a caller-contract violation"),
            std::string::npos)
      << r.findings[1].message;
}

TEST(CanaryOs, RunBudgetQuietOnAPollerThatEnds) {
  bool abandoned = true;
  EXPECT_EQ(run_poller(50, 5000, &abandoned).verdict, rt::Verdict::kOk);
  EXPECT_FALSE(abandoned);
}

}  // namespace
