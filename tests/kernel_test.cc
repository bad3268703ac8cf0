// Kernel primitives over the sim runtime: kthreads, fault injection, owner
// lifetimes and reachability of requests.
#include <gtest/gtest.h>

#include "harness/kernel/kernel.h"
#include "harness/kernel/list.h"

namespace {

struct Req : kernel::Tracked {
  kernel::completion done{"req"};
  int value = 0;
  rt::Event& reach_event() { return done.e; }
};

struct SimRun {
  explicit SimRun(uint64_t seed = 1) : s(rt::make_random_strategy(seed)) {
    e = rt::make_sim_execution(*s, 0, rt::Options{});
    w.attach(*e);
  }
  std::unique_ptr<rt::Strategy> s;
  std::unique_ptr<rt::Execution> e;
  kernel::World w;
};

int loop_until_stopped(void* data) {
  int* iterations = static_cast<int*>(data);
  while (!kthread_should_stop()) {
    (*iterations)++;
    kernel::usleep_idle_range_at(5000, 5000, RT_SITE("sample sleep"));
  }
  return 42;
}

TEST(Kthread, StopWaitsForTheFunctionAndReturnsItsResult) {
  for (uint64_t seed = 1; seed < 50; seed++) {
    SimRun r(seed);
    int iterations = 0, result = -1;
    r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
      kernel::TaskResult t =
          kernel::kthread_run_at(loop_until_stopped, &iterations, "kd", RT_SITE("kthread_run"));
      ASSERT_EQ(t.err, 0);
      get_task_struct(t.task);
      result = kthread_stop_put(t.task);
    });
    ASSERT_EQ(r.e->run().verdict, rt::Verdict::kOk);
    EXPECT_EQ(result, 42);
  }
}

TEST(Kthread, InjectedFailure) {
  SimRun r;
  r.w.faults.fail_kthread_run = 1;
  int err = 0;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    int it = 0;
    err = kernel::kthread_run_at(loop_until_stopped, &it, "kd", RT_SITE("kthread_run")).err;
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk);
  EXPECT_EQ(err, -ENOMEM);
  EXPECT_EQ(r.w.faults.fail_kthread_run, 0);
}

TEST(Kthread, TaskDiesAtLastPut) {
  SimRun r;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    int it = 0;
    kernel::TaskResult t =
        kernel::kthread_run_at(loop_until_stopped, &it, "kd", RT_SITE("kthread_run"));
    kthread_stop_put(t.task);  // drops a reference it never took
  });
  rt::RunResult res = r.e->run();
  EXPECT_EQ(res.verdict, rt::Verdict::kUseAfterFree);
}

TEST(Lifetime, AccessAfterCallerReturnNamesBothSides) {
  SimRun r;
  Req* stale = nullptr;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    RT_FRAME();
    kernel::CallerFrame f("cpu0 op#0 walk ctx0");
    stale = f.make<Req>("walk control");
  });
  r.e->spawn("kdamond", rt::ThreadKind::kKthread, [&] {
    r.e->join(0, RT_SITE("join"));
    WRITE(stale, value, 1, "mark canceled");
  });
  rt::RunResult res = r.e->run();
  ASSERT_EQ(res.verdict, rt::Verdict::kUseAfterFree);
  const rt::Finding& f = res.findings[0];
  EXPECT_NE(f.message.find("use after return: walk control"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("kdamond"), std::string::npos);
  EXPECT_NE(f.detail.find("died: cpu0"), std::string::npos) << f.detail;
  EXPECT_NE(f.site.find("mark canceled"), std::string::npos);
}

TEST(Lifetime, DoubleFree) {
  SimRun r;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    Req* q = kernel::kzalloc_obj<Req>("repeat control", RT_SITE("kmalloc"));
    kfree(q);
    kfree(q);
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kDoubleFree);
}

TEST(Lifetime, AllocationFaultInjection) {
  SimRun r;
  r.w.faults.fail_alloc = 1;
  Req* first = reinterpret_cast<Req*>(1);
  Req* second = nullptr;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    first = kernel::kzalloc_obj<Req>("a", RT_SITE("kmalloc"));
    second = kernel::kzalloc_obj<Req>("b", RT_SITE("kmalloc"));
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk);
  EXPECT_EQ(first, nullptr);
  EXPECT_NE(second, nullptr);
}

TEST(Reach, DroppingTheLastReferenceToAWaitedRequestIsALostRequest) {
  SimRun r;
  kernel::List<Req> list;
  kernel::mutex lock("list_lock");
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    kernel::CallerFrame f("cpu0 call");
    Req* q = f.make<Req>("call control");
    init_completion(&q->done);
    mutex_lock(&lock);
    list.add_tail(q, RT_SITE("queue"));
    mutex_unlock(&lock);
    wait_for_completion(&q->done);
  });
  r.e->spawn("kdamond", rt::ThreadKind::kKthread, [&] {
    for (;;) {
      mutex_lock(&lock);
      if (!list.empty()) break;
      mutex_unlock(&lock);
      r.e->sleep(1000, RT_SITE("poll"));
    }
    list.del(list.first(), RT_SITE("list_del without complete"));
    mutex_unlock(&lock);
  });
  rt::RunResult res = r.e->run();
  ASSERT_EQ(res.verdict, rt::Verdict::kLostRequest);
  EXPECT_NE(res.findings[0].message.find("cpu0"), std::string::npos);
}

TEST(Reach, SwappedListAddTailDropsEarlierEntries) {
  SimRun r;
  kernel::List<Req> list;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    Req* a = kernel::kzalloc_obj<Req>("a", RT_SITE("kmalloc"));
    Req* b = kernel::kzalloc_obj<Req>("b", RT_SITE("kmalloc"));
    list.add_tail(a, RT_SITE("add a"));
    list.add_tail_swapped(b, RT_SITE("add b swapped"));
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kOk);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.first()->done.e.reach(), 1);
}

TEST(Reach, LinkingNextToADeadNodeIsAUseAfterReturn) {
  SimRun r;
  kernel::List<Req> list;
  r.e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    {
      kernel::CallerFrame f("cpu0 call");
      list.add_tail(f.make<Req>("stack control"), RT_SITE("queue"));
    }
    Req* q = kernel::kzalloc_obj<Req>("next", RT_SITE("kmalloc"));
    list.add_tail(q, RT_SITE("queue next"));
  });
  EXPECT_EQ(r.e->run().verdict, rt::Verdict::kUseAfterFree);
}

}  // namespace
