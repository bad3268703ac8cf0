// The DAMON model on the sim runtime under the default policy: each profile's
// return codes, the watermark, pause and maybe_corrupted paths, the 6.17
// list_add_tail drop and the caller preconditions.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "harness/damon/damon.h"
#include "harness/runtime/strategy.h"

namespace {

using damon::damon_ctx;

struct ModelRun {
  explicit ModelRun(const std::string& profile) {
    const damon::Profile* p = damon::find_profile(profile);
    EXPECT_NE(p, nullptr) << profile;
    strategy = rt::make_schedule_strategy(rt::Schedule{});
    exec = rt::make_sim_execution(*strategy, 0, rt::Options{});
    world.attach(*exec);
    damon::damon_core_create(world, p);
  }
  void client(const std::string& name, std::function<void()> body) {
    exec->spawn(name, rt::ThreadKind::kClient, std::move(body));
  }
  rt::RunResult run() { return exec->run(); }

  std::unique_ptr<rt::Strategy> strategy;
  std::unique_ptr<rt::Execution> exec;
  kernel::World world;
};

// ---- caller-side helpers, as an in-tree caller would write them ----

int walk(damon_ctx* ctx, int* walked = nullptr) {
  kernel::CallerFrame frame("walk");
  auto* c = frame.make<damon::damos_walk_control>("walk request");
  c->data = walked;
  c->walk_fn = [](void* data, damon_ctx*, damon::damon_target*, damon::damon_region*, damon::damos*,
                  unsigned long) {
    if (data) ++*static_cast<int*>(data);
  };
  return damon::damos_walk(ctx, c);
}

int call(damon_ctx* ctx, damon::damon_call_fn fn, void* data, int* return_code = nullptr) {
  kernel::CallerFrame frame("call");
  auto* c = frame.make<damon::damon_call_control>("call request");
  c->fn = fn;
  c->data = data;
  int err = damon::damon_call(ctx, c);
  if (return_code) *return_code = c->return_code;
  return err;
}

int count_call(void* data) {
  ++*static_cast<int*>(data);
  return 7;
}

struct CommitArgs {
  damon_ctx* dst;
  damon_ctx* src;
};
int commit_fn(void* data) {
  auto* a = static_cast<CommitArgs*>(data);
  return damon::damon_commit_ctx(a->dst, a->src);
}

// A stopped-or-new ctx with committed schemes.
damon_ctx* new_ctx_with(const damon::damon_params& params) {
  damon_ctx* ctx = damon::damon_new_ctx();
  damon_ctx* param = damon::damon_build_param_ctx(params);
  EXPECT_EQ(damon::damon_commit_ctx(ctx, param), 0);
  damon::damon_destroy_ctx(param);
  return ctx;
}

int start(damon_ctx* ctx, bool exclusive = false) {
  return damon::damon_start(&ctx, 1, exclusive);
}
int stop(damon_ctx* ctx) {
  return damon::damon_stop(&ctx, 1);
}

bool is(const std::string& profile, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (profile == n) return true;
  return false;
}

class EveryProfile : public ::testing::TestWithParam<std::string> {};

std::vector<std::string> all_profiles() {
  std::vector<std::string> names;
  for (const damon::Profile& p : damon::profiles()) names.emplace_back(p.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Profiles, EveryProfile, ::testing::ValuesIn(all_profiles()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// The names and their order are checked against profiles.def in profiles_test.cc.
TEST(Profiles, EveryRowCitesItsSource) {
  for (const damon::Profile& p : damon::profiles()) EXPECT_FALSE(p.kernel_ref.empty()) << p.name;
  EXPECT_EQ(damon::find_profile("v5.0"), nullptr);
}

TEST_P(EveryProfile, LifecycleReturnCodes) {
  const std::string prof = GetParam();
  ModelRun r(prof);
  std::map<std::string, int> got;
  r.client("cpu0", [&] {
    damon_ctx* ctx = new_ctx_with({});
    damon_ctx* other = new_ctx_with({});
    got["stop never started"] = stop(ctx);
    got["start"] = start(ctx);
    got["is_running"] = damon::damon_is_running(ctx);
    got["start again"] = start(ctx);
    got["exclusive while running"] = start(other, true);
    int calls = 0, rc = 0;
    got["call running"] = call(ctx, count_call, &calls, &rc);
    got["calls"] = calls;
    got["return_code"] = rc;
    int walked = 0;
    got["walk running"] = walk(ctx, &walked);
    got["walked"] = walked > 0;
    got["stop"] = stop(ctx);
    got["is_running after stop"] = damon::damon_is_running(ctx);
    got["call stopped"] = call(ctx, count_call, &calls);
    got["walk stopped"] = walk(ctx);
    got["stop stopped"] = stop(ctx);
  });
  const rt::RunResult res = r.run();
  ASSERT_EQ(res.verdict, rt::Verdict::kOk) << (res.findings.empty() ? "" : res.findings[0].message);
  const bool mm_new = prof == "mm-new";
  const bool w3 = is(prof, {"v7.0.y", "mm-new"});
  EXPECT_EQ(got["stop never started"], mm_new ? 0 : -EPERM);
  EXPECT_EQ(got["start"], 0);
  EXPECT_EQ(got["is_running"], 1);
  EXPECT_EQ(got["start again"], -EBUSY);
  EXPECT_EQ(got["exclusive while running"], -EBUSY);
  EXPECT_EQ(got["call running"], 0);
  EXPECT_EQ(got["calls"], 1);
  EXPECT_EQ(got["return_code"], 7);
  EXPECT_EQ(got["walk running"], 0);
  EXPECT_EQ(got["walked"], 1);
  EXPECT_EQ(got["stop"], 0);
  EXPECT_EQ(got["is_running after stop"], 0);
  EXPECT_EQ(got["call stopped"], w3 ? -ECANCELED : -EINVAL);
  EXPECT_EQ(got["walk stopped"], w3 ? -ECANCELED : -EINVAL);
  EXPECT_EQ(got["stop stopped"], mm_new ? 0 : -EPERM);
}

// All schemes deactivated: kdamond_wait_activation() cancels walks after each
// watermark sleep; 6.14 cancels damon_call requests there too.
TEST_P(EveryProfile, DeactivatedWatermarks) {
  const std::string prof = GetParam();
  ModelRun r(prof);
  int walk_ret = 1, call_ret = 1;
  r.client("cpu0", [&] {
    damon::damon_params params;
    params.wmarks_active = false;
    damon_ctx* ctx = new_ctx_with(params);
    ASSERT_EQ(start(ctx), 0);
    walk_ret = walk(ctx);
    int calls = 0;
    call_ret = call(ctx, count_call, &calls);
    stop(ctx);
  });
  ASSERT_EQ(r.run().verdict, rt::Verdict::kOk);
  EXPECT_EQ(walk_ret, -ECANCELED);
  EXPECT_EQ(call_ret, prof == "v6.14" ? -ECANCELED : 0);
}

// The monitored process exits: the kdamond leaves by itself.
TEST_P(EveryProfile, TargetExitStopsKdamond) {
  const std::string prof = GetParam();
  ModelRun r(prof);
  bool running = true;
  int stop_ret = 1;
  r.client("cpu0", [&] {
    damon_ctx* ctx = new_ctx_with({});
    ASSERT_EQ(start(ctx), 0);
    damon::damon_invalidate_target(ctx);
    kernel::schedule_timeout_idle_ms_at(50, RT_SITE("test sleep"));
    running = damon::damon_is_running(ctx);
    stop_ret = stop(ctx);
    // Wait for the kdamond's very last step (nr_running_ctxs--): on v6.14 and
    // v6.17 the kdamond still cancels requests on the ctx after
    // damon_is_running() turned false, so destroying it earlier races (TSan
    // reports it; docs/findings.md).
    for (;;) {
      damon::damon_core& core = damon::damon_core_current();
      mutex_lock(&core.damon_lock);
      const int n = core.nr_running_ctxs;
      mutex_unlock(&core.damon_lock);
      if (!n) break;
      kernel::schedule_timeout_idle_ms_at(1, RT_SITE("test poll"));
    }
    damon::damon_destroy_ctx(ctx);
  });
  ASSERT_EQ(r.run().verdict, rt::Verdict::kOk);
  EXPECT_FALSE(running);
  EXPECT_EQ(stop_ret, prof == "mm-new" ? 0 : -EPERM);
}

// An online commit that fails part-way: maybe_corrupted profiles stop the
// kdamond right after the damon_call pass; the others keep running.
TEST_P(EveryProfile, FailedOnlineCommit) {
  const std::string prof = GetParam();
  const bool corrupted_stops = damon::find_profile(prof)->maybe_corrupted;
  ModelRun r(prof);
  int call_ret = 1, rc = 0;
  bool running = false;
  r.client("cpu0", [&] {
    damon_ctx* ctx = new_ctx_with({});
    ASSERT_EQ(start(ctx), 0);
    damon::damon_params params;
    params.nr_schemes = 2;
    params.fail = true;
    CommitArgs args{ctx, damon::damon_build_param_ctx(params)};
    call_ret = call(ctx, commit_fn, &args, &rc);
    kernel::schedule_timeout_idle_ms_at(50, RT_SITE("test sleep"));
    running = damon::damon_is_running(ctx);
    stop(ctx);
    damon::damon_destroy_ctx(args.src);
  });
  ASSERT_EQ(r.run().verdict, rt::Verdict::kOk);
  EXPECT_EQ(call_ret, 0);
  EXPECT_EQ(rc, -ENOMEM);
  EXPECT_EQ(running, !corrupted_stops);
}

// Started paused: every walk is canceled within a sample interval.
TEST(Pause, WalkOnPausedCtxIsCanceled) {
  for (const char* prof : {"pause-rfc", "pause-rfc-fix", "mm-new"}) {
    ModelRun r(prof);
    int walk_ret = 1, walked = 0;
    r.client("cpu0", [&] {
      damon::damon_params params;
      params.pause = true;
      damon_ctx* ctx = new_ctx_with(params);
      ASSERT_EQ(start(ctx), 0);
      walk_ret = walk(ctx, &walked);
      stop(ctx);
    });
    ASSERT_EQ(r.run().verdict, rt::Verdict::kOk) << prof;
    EXPECT_EQ(walk_ret, -ECANCELED) << prof;
    EXPECT_EQ(walked, 0) << prof;
  }
}

// 6.17's swapped list_add_tail drops the earlier request: with two callers
// queued before the kdamond wakes, the first one's request becomes unreachable.
TEST(CallList, SwappedListAddTailLosesARequest) {
  for (const char* prof : {"v6.17", "v6.19"}) {
    ModelRun r(prof);
    damon_ctx* ctx = nullptr;
    kernel::completion ready("ctx ready");
    r.client("cpu0", [&] {
      ctx = new_ctx_with({});
      ASSERT_EQ(start(ctx), 0);
      complete(&ready);
      int calls = 0;
      call(ctx, count_call, &calls);
    });
    r.client("cpu1", [&] {
      wait_for_completion(&ready);
      int calls = 0;
      call(ctx, count_call, &calls);
      stop(ctx);
    });
    const rt::RunResult res = r.run();
    if (std::string(prof) == "v6.17") {
      EXPECT_EQ(res.verdict, rt::Verdict::kLostRequest) << prof;
    } else {
      EXPECT_EQ(res.verdict, rt::Verdict::kOk)
          << prof << (res.findings.empty() ? "" : ": " + res.findings[0].message);
    }
  }
}

// ---- caller preconditions ----

rt::Verdict run_one(const std::string& prof, std::function<void()> body) {
  ModelRun r(prof);
  r.client("cpu0", std::move(body));
  return r.run().verdict;
}

TEST(CallerContract, CallOnNeverStartedCtx) {
  int ret = 1;
  EXPECT_EQ(run_one("v7.0.y",
                    [&] {
                      int calls = 0;
                      call(damon::damon_new_ctx(), count_call, &calls);
                    }),
            rt::Verdict::kCallerContract);
  EXPECT_EQ(run_one("mm-new",
                    [&] {
                      int calls = 0;
                      ret = call(damon::damon_new_ctx(), count_call, &calls);
                    }),
            rt::Verdict::kOk);
  EXPECT_EQ(ret, -ECANCELED);
  EXPECT_EQ(run_one("v7.0-rc",
                    [&] {
                      int calls = 0;
                      ret = call(damon::damon_new_ctx(), count_call, &calls);
                    }),
            rt::Verdict::kOk);
  EXPECT_EQ(ret, -EINVAL);
}

TEST(CallerContract, WalkOnNeverStartedCtx) {
  for (const char* prof : {"v7.0.y", "mm-new"})
    EXPECT_EQ(run_one(prof, [] { walk(damon::damon_new_ctx()); }), rt::Verdict::kCallerContract)
        << prof;
  EXPECT_EQ(run_one("pause-rfc", [] { walk(damon::damon_new_ctx()); }), rt::Verdict::kOk);
}

TEST(CallerContract, DestroyOrDirectCommitOnRunningCtx) {
  for (const std::string& prof : all_profiles()) {
    EXPECT_EQ(run_one(prof,
                      [] {
                        damon_ctx* ctx = new_ctx_with({});
                        start(ctx);
                        damon::damon_destroy_ctx(ctx);
                      }),
              rt::Verdict::kCallerContract)
        << prof;
    EXPECT_EQ(run_one(prof,
                      [] {
                        damon_ctx* ctx = new_ctx_with({});
                        start(ctx);
                        damon_ctx* param = damon::damon_build_param_ctx({});
                        damon::damon_commit_ctx(ctx, param);
                      }),
              rt::Verdict::kCallerContract)
        << prof;
  }
}

TEST(CallerContract, ResubmitLinkedRepeatControl) {
  for (const std::string& prof : all_profiles()) {
    if (!damon::find_profile(prof)->has_repeat) continue;
    EXPECT_EQ(run_one(prof,
                      [] {
                        damon_ctx* ctx = new_ctx_with({});
                        start(ctx);
                        auto* c = kernel::kzalloc_obj<damon::damon_call_control>(
                            "repeat control", RT_SITE("test alloc"));
                        static int calls = 0;
                        c->fn = count_call;
                        c->data = &calls;
                        c->repeat = true;
                        EXPECT_EQ(damon::damon_call(ctx, c), 0);
                        damon::damon_call(ctx, c);
                      }),
              rt::Verdict::kCallerContract)
        << prof;
  }
}

}  // namespace
