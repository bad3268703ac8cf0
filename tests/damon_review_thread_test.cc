// The three-CPU scenario of SJ's reply to the Sashiko review of pause RFC v4
// patch 1 (shared/reference/sashiko-review-thread.txt), as a scripted schedule:
//
//   0.   the ctx is stopped                                   (cpu1: start, stop)
//   1-x. cpu0 damos_walk(): register A, see !damon_is_running()
//   2.   cpu1 damon_start(ctx)
//   3-x. the new kdamond: damos_walk_cancel() completes A
//   4-x. cpu0: unset A, return; damos_walk() again: register B, wait
//   5.   kdamond: damos_walk_cancel() unsets B; nobody completes it.
//
// The script is a Strategy that prefers threads phase by phase; a phase ends on
// a condition over the model's state, so the script does not depend on how many
// scheduling points each step has. The schedule it produces is replayed as well.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "harness/damon/damon.h"
#include "harness/runtime/strategy.h"

namespace {

using damon::damon_ctx;
using damon::damos_walk_control;

class ScriptedStrategy : public rt::Strategy {
 public:
  struct Phase {
    std::vector<std::string> prefer;  // thread-name prefixes, first wins
    std::function<bool()> done;
  };
  void add(std::vector<std::string> prefer, std::function<bool()> done) {
    phases_.push_back(Phase{std::move(prefer), std::move(done)});
  }
  void set_execution(rt::Execution* e) { exec_ = e; }
  void begin(uint64_t) override { phase_ = 0; }
  size_t pick(std::span<const rt::Candidate> cands, size_t default_idx, int, bool) override {
    cands_ = cands;
    while (phase_ < phases_.size() && phases_[phase_].done()) phase_++;
    if (phase_ == phases_.size()) return default_idx;
    for (const std::string& who : phases_[phase_].prefer)
      for (size_t i = 0; i < cands.size(); i++)
        if (exec_->thread_name(cands[i].tid).rfind(who, 0) == 0) return i;
    return default_idx;
  }
  std::string describe() const override { return "review-thread script"; }
  size_t phase() const { return phase_; }
  // Whether `tid` can run at the current decision (for the conditions).
  bool can_run(int tid) const {
    for (const rt::Candidate& c : cands_)
      if (c.tid == tid) return true;
    return false;
  }

 private:
  std::vector<Phase> phases_;
  std::span<const rt::Candidate> cands_;
  size_t phase_ = 0;
  rt::Execution* exec_ = nullptr;
};

// What the threads of the scenario did; read by the script's conditions.
struct Scenario {
  damon_ctx* ctx = nullptr;
  bool stopped = false;    // step 0 done
  bool restarted = false;  // step 2 done
  damos_walk_control* first = nullptr;
  damos_walk_control* second = nullptr;
  int first_ret = 1, second_ret = 1;
  bool first_done = false, second_done = false;
  int cpu0 = -1, kdamond_seen = 0;
  bool saw_running_check = false;
};

void noop_walk(void*, damon_ctx*, damon::damon_target*, damon::damon_region*, damon::damos*,
               unsigned long) {}

int walk_once(Scenario* sc, damos_walk_control** slot) {
  kernel::CallerFrame frame("cpu0 walk");
  auto* c = frame.make<damos_walk_control>("walk request");
  c->walk_fn = noop_walk;
  *slot = c;
  int ret = damon::damos_walk(sc->ctx, c);
  *slot = nullptr;
  return ret;
}

bool stack_has(rt::Execution& e, int tid, const char* fn) {
  return tid >= 0 && e.stack_of(tid).find(fn) != std::string::npos;
}

int kdamond_tid(const Scenario& sc) {
  return sc.ctx && sc.ctx->kdamond ? sc.ctx->kdamond->tid : -1;
}

void script(ScriptedStrategy& s, rt::Execution& e, Scenario& sc) {
  // 0: cpu1 starts and stops the ctx.
  s.add({"cpu1", "kdamond"}, [&] { return sc.stopped; });
  // 1: cpu0 registers A and returns from damon_is_running() (or fails at once).
  s.add({"cpu0"}, [&] {
    if (stack_has(e, sc.cpu0, "damon_is_running")) sc.saw_running_check = true;
    return sc.first_done || (sc.saw_running_check && !stack_has(e, sc.cpu0, "damon_is_running"));
  });
  // 2-3: cpu1 restarts; the new kdamond runs until its damos_walk_cancel() has
  // completed A.
  s.add({"cpu1", "kdamond"}, [&] {
    const int k = kdamond_tid(sc);
    const bool a_completed = sc.first && kernel::World::current_of(e).alive(sc.first) &&
                             sc.first->completion.e.done() > 0;
    return (sc.restarted && sc.first_done) || (a_completed && stack_has(e, k, "damos_walk_cancel"));
  });
  // 4: cpu0 takes A back, returns, registers B and waits.
  s.add({"cpu0"}, [&] {
    const bool b_waits = sc.second && sc.ctx->walk_control.get() == sc.second &&
                         !s.can_run(sc.cpu0) && stack_has(e, sc.cpu0, "damos_walk");
    return sc.second_done || b_waits;
  });
  // 5: the kdamond goes on.
  s.add({"kdamond"}, [&] { return sc.second_done; });
}

struct Outcome {
  rt::RunResult res;
  Scenario sc;
  size_t phase = 0;
};

Outcome run_scenario(const char* profile, rt::Strategy* replay = nullptr,
                     rt::Options options = {}) {
  Outcome out;
  Scenario& sc = out.sc;
  ScriptedStrategy scripted;
  rt::Strategy& strategy = replay ? *replay : scripted;
  std::unique_ptr<rt::Execution> e = rt::make_sim_execution(strategy, 0, options);
  kernel::World world;
  world.attach(*e);
  damon::damon_core_create(world, damon::find_profile(profile));
  scripted.set_execution(e.get());
  script(scripted, *e, sc);

  kernel::completion created("ctx created");
  sc.cpu0 = e->spawn("cpu0", rt::ThreadKind::kClient, [&] {
    wait_for_completion(&created);
    sc.first_ret = walk_once(&sc, &sc.first);
    sc.first_done = true;
    sc.second_ret = walk_once(&sc, &sc.second);
    sc.second_done = true;
  });
  e->spawn("cpu1", rt::ThreadKind::kClient, [&] {
    sc.ctx = damon::damon_new_ctx();
    complete(&created);
    EXPECT_EQ(damon::damon_start(&sc.ctx, 1, false), 0);
    EXPECT_EQ(damon::damon_stop(&sc.ctx, 1), 0);
    sc.stopped = true;
    EXPECT_EQ(damon::damon_start(&sc.ctx, 1, false), 0);
    sc.restarted = true;
  });
  e->spawn("teardown", rt::ThreadKind::kTeardown, [&] { damon::damon_stop(&sc.ctx, 1); });
  out.res = e->run();
  out.phase = scripted.phase();
  return out;
}

std::string describe(const Outcome& o) {
  const rt::RunResult& r = o.res;
  std::string s = std::string(rt::verdict_name(r.verdict)) + " (script phase " +
                  std::to_string(o.phase) + ", first " + std::to_string(o.sc.first_ret) +
                  ", second " + std::to_string(o.sc.second_ret) + ")";
  for (const rt::Finding& f : r.findings) s += "\n" + f.message + "\n" + f.detail;
  return s;
}

// Hangs where damos_walk_cancel() drops the lock between completing a request
// and clearing the slot, and damos_walk() can register on a stopped ctx.
TEST(ReviewThread, ThreeCpuRestartLosesTheSecondWalk) {
  for (const char* prof : {"v7.0-rc", "pause-rfc", "v7.0"}) {
    Outcome o = run_scenario(prof);
    ASSERT_EQ(o.res.verdict, rt::Verdict::kLostRequest) << prof << ": " << describe(o);
    EXPECT_EQ(o.sc.first_ret, -EINVAL) << prof;
    EXPECT_FALSE(o.sc.second_done) << prof;
    const rt::Finding& f = o.res.findings.at(0);
    EXPECT_NE(f.message.find("cpu0"), std::string::npos) << f.message;
    EXPECT_NE(f.site.find("damos_walk:"), std::string::npos) << f.site;
    EXPECT_NE(f.message.find("damos_walk_cancel"), std::string::npos) << f.message;

    // The recorded schedule replays to the same verdict and trace.
    auto replay = rt::make_schedule_strategy(o.res.schedule);
    Outcome again = run_scenario(prof, replay.get());
    EXPECT_EQ(again.res.verdict, rt::Verdict::kLostRequest) << prof;
    EXPECT_EQ(again.res.trace_hash, o.res.trace_hash) << prof;
  }
}

// Returns normally with the atomic cancel (pause-rfc-fix) and with the obsolete
// flags (v7.0.y, mm-new: the walk on the stopped ctx fails at once).
TEST(ReviewThread, ThreeCpuRestartReturnsWhenFixed) {
  struct Want {
    const char* profile;
    int first, second;
  };
  for (const Want& w :
       {Want{"pause-rfc-fix", -EINVAL, -ECANCELED}, Want{"v7.0.y", -ECANCELED, -ECANCELED},
        Want{"mm-new", -ECANCELED, -ECANCELED}}) {
    Outcome o = run_scenario(w.profile);
    ASSERT_EQ(o.res.verdict, rt::Verdict::kOk) << w.profile << ": " << describe(o);
    EXPECT_EQ(o.sc.first_ret, w.first) << w.profile;
    EXPECT_TRUE(o.sc.second_done) << w.profile;
    EXPECT_EQ(o.sc.second_ret, w.second) << w.profile;
  }
}

// W1 (6.14 .. 6.19) leaves the first request installed when the ctx is not
// running; the caller's stack control is gone by the time the restarted kdamond
// cancels it.
TEST(ReviewThread, ThreeCpuRestartUsesAReturnedRequestOnW1) {
  for (const char* prof : {"v6.14", "v6.17", "v6.19"}) {
    Outcome o = run_scenario(prof);
    ASSERT_EQ(o.res.verdict, rt::Verdict::kUseAfterFree) << prof << ": " << describe(o);
    EXPECT_NE(o.res.findings.at(0).message.find("use after return"), std::string::npos)
        << o.res.findings.at(0).message;
  }
}

// The same threads under PCT schedules: the fixed profiles never lose or misuse
// a request. A livelock verdict here is PCT starving a runnable thread behind
// the looping kdamond, not a protocol outcome, so it is not counted; small
// budgets keep such runs short.
bool lost_or_misused(rt::Verdict v) {
  return rt::is_protocol_bug(v) && v != rt::Verdict::kLivelock;
}

TEST(ReviewThread, PctSchedulesNeverBreakTheFixedProfiles) {
  rt::Options options;
  options.max_steps = 4000;
  options.max_virtual_ns = 2ull * 1000000000;
  options.record_trace = false;
  for (const char* prof : {"pause-rfc-fix", "v7.0.y", "mm-new"}) {
    for (uint64_t seed = 1; seed <= 200; seed++) {
      auto pct = rt::make_pct_strategy(seed, 3, 400);
      Outcome o = run_scenario(prof, pct.get(), options);
      ASSERT_FALSE(lost_or_misused(o.res.verdict))
          << prof << " seed " << seed << ": " << describe(o);
    }
  }
}

}  // namespace
