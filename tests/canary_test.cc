// Each detector fires on its planted bug within a fixed budget of seeded runs
// and stays quiet on the corrected twin over the same budget.
#include <gtest/gtest.h>

#include "canary/run.h"
#include "harness/kernel/kernel.h"

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
  EXPECT_GE(find(Kind::kLostRequest, true, rt::Verdict::kLostRequest), 0);
}
TEST(Canary, LostWakeupCleanTwin) {
  EXPECT_EQ(count_findings(Kind::kLostRequest), 0);
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
    rt::RunResult r = canary::run_sim(Kind::kLostRequest, true, *s, i);
    if (r.verdict != rt::Verdict::kLostRequest) continue;
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

// Without deadlock detection the hang is the watchdog's, at its timeout.
TEST(CanaryOs, WatchdogFiresOnNeverCompleted) {
  rt::RunResult r = canary::run_os(Kind::kNeverCompleted, true, 300, 0, false);
  ASSERT_EQ(r.verdict, rt::Verdict::kWatchdogHang);
  ASSERT_FALSE(r.findings[0].blocked.empty());
  EXPECT_EQ(r.findings[0].blocked[0].thread, "cpu0");
  EXPECT_NE(r.findings[0].blocked[0].wait_site.find("wait_for_completion"), std::string::npos);
  EXPECT_NE(r.findings[0].message.find("for more than 300 ms"), std::string::npos)
      << r.findings[0].message;
}

// The worker exits without completing: cpu0 is then the only unfinished thread
// and it waits, so this is a deadlock, reported long before the 30 s timeout
// (a detector that missed it would leave the report to the watchdog, whose
// verdict is watchdog-hang and whose message names the timeout).
TEST(CanaryOs, DeadlockDetectorFiresOnNeverCompleted) {
  for (uint32_t seed = 0; seed < 5; seed++) {
    rt::RunResult r = canary::run_os(Kind::kNeverCompleted, true, 30000, seed);
    ASSERT_EQ(r.verdict, rt::Verdict::kDeadlock);
    ASSERT_EQ(r.findings[0].blocked.size(), 1u);
    EXPECT_EQ(r.findings[0].blocked[0].thread, "cpu0");
    EXPECT_NE(r.findings[0].message.find("deadlock"), std::string::npos) << r.findings[0].message;
    EXPECT_EQ(r.findings[0].message.find("for more than"), std::string::npos)
        << r.findings[0].message;
  }
}

// The clean twins run with deadlock detection on: a client that waits while
// its worker sleeps between polls is no deadlock.
TEST(CanaryOs, WatchdogQuietOnCleanTwin) {
  for (int i = 0; i < 20; i++) {
    EXPECT_EQ(canary::run_os(Kind::kNeverCompleted, false, 5000, i + 1).verdict, rt::Verdict::kOk);
    EXPECT_EQ(canary::run_os(Kind::kAbba, false, 5000, i + 1).verdict, rt::Verdict::kOk);
  }
}

// A thread that polls forever makes progress, so the watchdog stays quiet; the
// run budget must report it and end the run by unwinding the poller (reclaim),
// so nothing is left behind.
rt::RunResult run_poller(int polls, uint64_t budget_ms, bool* abandoned) {
  rt::Options o;
  o.watchdog_abort = false;
  o.watchdog_ms = 10000;
  o.run_budget_ms = budget_ms;
  return canary::run_os_threads(
      o,
      [polls](rt::Execution& e) {
        e.spawn("cpu0", rt::ThreadKind::kClient, [polls] {
          rt::Execution& x = rt::Execution::current();
          for (int i = 0; polls < 0 || i < polls; i++) x.sleep(1000000, RT_SITE("poll"));
        });
      },
      abandoned);
}

TEST(CanaryOs, RunBudgetReportsAPollerThatNeverEnds) {
  bool abandoned = true;
  const rt::RunResult r = run_poller(-1, 300, &abandoned);
  ASSERT_EQ(r.verdict, rt::Verdict::kLivelock);
  EXPECT_FALSE(abandoned) << "the poller was not unwound";
  ASSERT_EQ(r.threads.size(), 1u);
  EXPECT_TRUE(r.threads[0].finished);
  EXPECT_NE(r.findings[0].message.find("budget of 300 ms"), std::string::npos)
      << r.findings[0].message;
}

// After a caller-contract violation the verdict is settled: a run that then
// keeps going is ended at the watchdog timeout, not at the run budget, and
// what ended it is recorded after the violation.
TEST(CanaryOs, AViolationThatNeverEndsIsEndedAtTheWatchdog) {
  rt::Options o;
  o.watchdog_abort = false;
  o.watchdog_ms = 200;
  o.run_budget_ms = 600000;
  bool abandoned = true;
  const rt::RunResult r = canary::run_os_threads(
      o,
      [](rt::Execution& e) {
        e.spawn("cpu0", rt::ThreadKind::kClient, [] {
          rt::Execution& x = rt::Execution::current();
          rt::Finding f;
          f.verdict = rt::Verdict::kCallerContract;
          f.message = "planted caller bug";
          x.report(std::move(f));
          for (;;) x.sleep(1000000, RT_SITE("poll"));
        });
      },
      &abandoned);
  ASSERT_FALSE(abandoned) << "the poller was not unwound";
  ASSERT_EQ(r.verdict, rt::Verdict::kCallerContract);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[1].verdict, rt::Verdict::kLivelock);
  EXPECT_NE(r.findings[1].message.find("watchdog timeout (200 ms) of a caller-contract violation"),
            std::string::npos)
      << r.findings[1].message;
}

// cpu0 waits for a completion that only the teardown completes; with
// `teardown_waits` the teardown then waits for a second one nobody completes.
// All threads but an unstarted teardown waiting is no deadlock yet: the
// detector must start the teardown (as a teardown's stop may end such waits),
// and report only once the teardown waits too.
rt::RunResult run_teardown_case(bool teardown_waits, bool* abandoned) {
  rt::Options o;
  o.watchdog_abort = false;
  o.watchdog_ms = 30000;
  // No grace: only the detector may start the teardown while cpu0 waits.
  o.teardown_grace_ns = UINT64_MAX / 2;
  struct Shared {
    kernel::completion served{"served"}, never{"never"};
  };
  auto* s = new Shared;
  const rt::RunResult r = canary::run_os_threads(
      o,
      [s, teardown_waits](rt::Execution& e) {
        e.spawn("cpu0", rt::ThreadKind::kClient, [s] {
          init_completion(&s->served);
          wait_for_completion(&s->served);
        });
        e.spawn("teardown", rt::ThreadKind::kTeardown, [s, teardown_waits] {
          complete(&s->served);
          if (!teardown_waits) return;
          init_completion(&s->never);
          wait_for_completion(&s->never);
        });
      },
      abandoned);
  if (!*abandoned) delete s;  // else the waiters still use it
  return r;
}

TEST(CanaryOs, DeadlockDetectorStartsTheTeardownFirst) {
  bool abandoned = true;
  EXPECT_EQ(run_teardown_case(false, &abandoned).verdict, rt::Verdict::kOk);
  EXPECT_FALSE(abandoned);
}

// The deadlock is reported, then reclaimed: the waiting teardown is unwound, so
// the run leaves no thread behind.
TEST(CanaryOs, DeadlockDetectorReportsATeardownThatWaitsToo) {
  bool abandoned = true;
  const rt::RunResult r = run_teardown_case(true, &abandoned);
  EXPECT_FALSE(abandoned);
  ASSERT_EQ(r.verdict, rt::Verdict::kDeadlock);
  ASSERT_EQ(r.findings[0].blocked.size(), 1u);
  EXPECT_EQ(r.findings[0].blocked[0].thread, "teardown");
  EXPECT_NE(r.findings[0].message.find("deadlock"), std::string::npos) << r.findings[0].message;
}

// Two threads that each hold one lock and wait in mutex_lock() for the other's:
// a real mutex wait cannot be interrupted and neither holder can unwind, so the
// run is reported and then abandoned, as before reclaiming existed.
TEST(CanaryOs, AnAbbaDeadlockIsReportedAndAbandoned) {
  rt::Options o;
  o.watchdog_abort = false;
  o.watchdog_ms = 30000;
  struct Shared {
    kernel::mutex a{"a"}, b{"b"};
    kernel::completion a_held{"a held"}, b_held{"b held"};
  };
  auto* s = new Shared;
  bool abandoned = false;
  const rt::RunResult r = canary::run_os_threads(
      o,
      [s](rt::Execution& e) {
        e.spawn("cpu0", rt::ThreadKind::kClient, [s] {
          mutex_lock(&s->a);
          complete(&s->a_held);
          wait_for_completion(&s->b_held);
          mutex_lock(&s->b);
        });
        e.spawn("cpu1", rt::ThreadKind::kClient, [s] {
          mutex_lock(&s->b);
          complete(&s->b_held);
          wait_for_completion(&s->a_held);
          mutex_lock(&s->a);
        });
      },
      &abandoned);
  if (!abandoned) delete s;  // else both threads wait on it forever
  ASSERT_EQ(r.verdict, rt::Verdict::kDeadlock);
  ASSERT_EQ(r.findings[0].blocked.size(), 2u);
  EXPECT_EQ(r.findings[0].blocked[0].holder, r.findings[0].blocked[1].tid);
  EXPECT_EQ(r.findings[0].blocked[1].holder, r.findings[0].blocked[0].tid);
  EXPECT_TRUE(abandoned);
}

TEST(CanaryOs, RunBudgetQuietOnAPollerThatEnds) {
  bool abandoned = true;
  EXPECT_EQ(run_poller(50, 5000, &abandoned).verdict, rt::Verdict::kOk);
  EXPECT_FALSE(abandoned);
}

}  // namespace
