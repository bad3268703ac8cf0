// The runtimes' primitives, scheduling strategies, virtual time, budgets and
// determinism. Each test runs a small protocol and checks what a bug in the
// runtime would change.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "harness/kernel/kernel.h"
#include "harness/runtime/strategy.h"

namespace {

struct SimRun {
  explicit SimRun(rt::Strategy& s, uint64_t idx = 0, rt::Options o = {}) {
    e = rt::make_sim_execution(s, idx, o);
    w.attach(*e);
  }
  std::unique_ptr<rt::Execution> e;
  kernel::World w;
};

// Two threads increment under a mutex with yields in between; any strategy
// must keep the count exact.
void counter_protocol(rt::Execution& e, kernel::mutex* m, int* counter) {
  for (const char* n : {"cpu0", "cpu1", "cpu2"}) {
    e.spawn(n, rt::ThreadKind::kClient, [m, counter] {
      for (int i = 0; i < 20; i++) {
        mutex_lock(m);
        const int v = *counter;
        kernel::shared_access_at(RT_SITE("between read and write"));
        *counter = v + 1;
        mutex_unlock(m);
      }
    });
  }
}

TEST(Sim, MutexExcludesUnderEveryStrategy) {
  std::vector<std::unique_ptr<rt::Strategy>> ss;
  ss.push_back(rt::make_random_strategy(7));
  ss.push_back(rt::make_pct_strategy(7, 3, 200));
  const uint8_t bytes[] = {0, 1, 3, 2, 1, 0, 5, 1, 0, 2};
  ss.push_back(rt::make_choice_stream_strategy(bytes, sizeof bytes));
  for (auto& s : ss) {
    for (int i = 0; i < 50; i++) {
      kernel::mutex m("m");
      int counter = 0;
      SimRun r(*s, i);
      counter_protocol(*r.e, &m, &counter);
      EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk) << s->describe();
      EXPECT_EQ(counter, 60) << s->describe();
    }
  }
}

TEST(Sim, TrylockFailsWhileHeld) {
  auto s = rt::make_random_strategy(1);
  SimRun r(*s);
  kernel::mutex m("m");
  bool got = true;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    mutex_lock(&m);
    r.e->spawn("cpu1", rt::ThreadKind::kClient, [&] { got = mutex_trylock(&m); });
    r.e->join(1, RT_SITE("join"));
    mutex_unlock(&m);
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk);
  EXPECT_FALSE(got);
}

TEST(Sim, CompletionCountsAndReinit) {
  auto s = rt::make_random_strategy(3);
  SimRun r(*s);
  kernel::completion c("c");
  int woke = 0;
  r.e->spawn("waiter", rt::ThreadKind::kClient, [&] {
    wait_for_completion(&c);
    wait_for_completion(&c);
    woke = 2;
  });
  r.e->spawn("signaller", rt::ThreadKind::kClient, [&] {
    complete(&c);
    complete(&c);
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk);
  EXPECT_EQ(woke, 2);
}

TEST(Sim, SleepAdvancesVirtualTimeAndStopInterruptsIt) {
  auto s = rt::make_random_strategy(5);
  SimRun r(*s);
  bool interrupted = false;
  uint64_t woke_at = 0;
  int sleeper = r.e->spawn("sleeper", rt::ThreadKind::kKthread, [&] {
    interrupted = r.e->sleep(1000000000, RT_SITE("long sleep"));  // 1 s
    woke_at = r.e->now_ns();
  });
  r.e->spawn("stopper", rt::ThreadKind::kClient, [&] {
    r.e->sleep(2000000, RT_SITE("short sleep"));  // 2 ms
    r.e->wake(sleeper, RT_SITE("wake"));
  });
  rt::RunResult res = r.e->run();
  EXPECT_EQ(res.verdict, rt::Verdict::kOk);
  // Either the stopper's wake cut the long sleep short, or the strategy fired
  // the long timer first; virtual time tells which.
  if (interrupted) {
    EXPECT_LT(woke_at, 1000000000u);
  } else {
    EXPECT_GE(woke_at, 1000000000u);
  }
  EXPECT_GE(res.virtual_ns, 2000000u);
}

TEST(Sim, ReplayOfRecordedTraceGivesOneHash) {
  auto s = rt::make_random_strategy(99);
  kernel::mutex m("m");
  int counter = 0;
  rt::RunResult first;
  {
    SimRun r(*s);
    counter_protocol(*r.e, &m, &counter);
    first = r.e->run();
  }
  ASSERT_FALSE(first.schedule.preemptions.empty());
  for (int i = 0; i < 1000; i++) {
    auto replay = rt::make_schedule_strategy(first.schedule);
    rt::Options o;
    o.record_trace = false;
    SimRun r(*replay, 0, o);
    counter = 0;
    counter_protocol(*r.e, &m, &counter);
    rt::RunResult again = r.e->run();
    ASSERT_EQ(again.trace_hash, first.trace_hash) << "replay " << i;
    ASSERT_EQ(again.schedule, first.schedule) << "replay " << i;
  }
}

TEST(Sim, DifferentSchedulesGiveDifferentTraces) {
  kernel::mutex m("m");
  int counter = 0;
  std::set<uint64_t> hashes;
  auto s = rt::make_random_strategy(1);
  for (int i = 0; i < 20; i++) {
    SimRun r(*s, i);
    counter_protocol(*r.e, &m, &counter);
    hashes.insert(r.e->run().trace_hash);
  }
  EXPECT_GT(hashes.size(), 10u);
}

TEST(Sim, LivelockJudgedByVirtualTime) {
  auto s = rt::make_random_strategy(1);
  rt::Options o;
  o.livelock_ns = 1000000;
  SimRun r(*s, 0, o);
  kernel::completion never("never");
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] { wait_for_completion(&never); });
  r.e->spawn("spinner", rt::ThreadKind::kKthread, [&] {
    for (;;) r.e->sleep(1000, RT_SITE("tick"));
  });
  rt::RunResult res = r.e->run();
  ASSERT_EQ(res.verdict, rt::Verdict::kLivelock);
  EXPECT_NE(res.findings[0].message.find("cpu0"), std::string::npos);
}

TEST(Sim, TeardownRunsOnlyAfterClientsQuiesce) {
  auto s = rt::make_random_strategy(11);
  for (int i = 0; i < 100; i++) {
    SimRun r(*s, i);
    bool client_done = false, teardown_saw_done = false;
    r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
      for (int k = 0; k < 5; k++) kernel::shared_access_at(RT_SITE("work"));
      client_done = true;
    });
    r.e->spawn("teardown", rt::ThreadKind::kTeardown, [&] { teardown_saw_done = client_done; });
    EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk);
    EXPECT_TRUE(teardown_saw_done);
  }
}

TEST(Sim, ScheduleStrategyFollowsPreemptions) {
  // With no preemption the default policy runs cpu0 to the end first.
  std::vector<int> order;
  kernel::mutex m("order_lock");
  auto run_with = [&](rt::Schedule sch) {
    order.clear();
    auto s = rt::make_schedule_strategy(sch);
    SimRun r(*s);
    for (int t = 0; t < 2; t++) {
      r.e->spawn(t ? "cpu1" : "cpu0", rt::ThreadKind::kClient, [&order, &m, t] {
        for (int k = 0; k < 3; k++) {
          mutex_lock(&m);
          order.push_back(t);
          mutex_unlock(&m);
        }
      });
    }
    return r.e->run();
  };
  run_with({});
  EXPECT_EQ(order, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  rt::RunResult res = run_with(rt::Schedule{{{1, 1}}, std::nullopt});
  EXPECT_EQ(order, (std::vector<int>{1, 1, 1, 0, 0, 0}));
  ASSERT_EQ(res.schedule.preemptions.size(), 1u);
  EXPECT_EQ(res.schedule.preemptions[0].tid, 1);
}

}  // namespace
