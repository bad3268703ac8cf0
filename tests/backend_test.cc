// The program layer reaches the code under test only through program::Backend,
// and finds profiles only through program::profiles(): a registered profile
// whose backend forwards to the model (and counts what it forwards) gives the
// model's outcomes, and one whose features lack an op never runs that op.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "harness/damon/profile.h"
#include "harness/program/backend_model.h"
#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/runtime/invisible.h"
#include "program_testing.h"

namespace {

using program::Backend;
using program::CallControl;
using program::Ctx;
using program::WalkControl;

std::map<std::string, int>& calls() {
  static std::map<std::string, int> c;
  return c;
}

// Forwards every method to the model's backend for pause-rfc.
class Counting final : public Backend {
 public:
  explicit Counting(std::unique_ptr<Backend> m) : m_(std::move(m)) {}
  Ctx* build_ctx(const program::CtxParams& p) override { return n("build_ctx"), m_->build_ctx(p); }
  void destroy_ctx(Ctx* c) override { n("destroy_ctx"), m_->destroy_ctx(c); }
  int commit_ctx(Ctx* d, Ctx* s) override { return n("commit_ctx"), m_->commit_ctx(d, s); }
  int start(Ctx** c, int k, bool x) override { return n("start"), m_->start(c, k, x); }
  int stop(Ctx** c, int k) override { return n("stop"), m_->stop(c, k); }
  bool is_running(Ctx* c) override { return n("is_running"), m_->is_running(c); }
  void invalidate_target(Ctx* c) override { n("invalidate_target"), m_->invalidate_target(c); }
  CallControl* frame_call_control(kernel::CallerFrame& f, const char* w,
                                  std::string_view l) override {
    return n("frame_call_control"), m_->frame_call_control(f, w, l);
  }
  CallControl* static_call_control(std::string_view d, std::string_view l) override {
    return n("static_call_control"), m_->static_call_control(d, l);
  }
  CallControl* kzalloc_call_control(const char* w, std::string_view l, const rt::Site* s) override {
    return n("kzalloc_call_control"), m_->kzalloc_call_control(w, l, s);
  }
  void free_call_control(CallControl* c, const rt::Site* s) override {
    n("free_call_control"), m_->free_call_control(c, s);
  }
  void set_call(CallControl* c, const program::CallSpec& s) override {
    n("set_call"), m_->set_call(c, s);
  }
  int damon_call(Ctx* x, CallControl* c) override { return n("damon_call"), m_->damon_call(x, c); }
  int call_return_code(const CallControl* c) override { return m_->call_return_code(c); }
  int call_completions(const CallControl* c) override { return m_->call_completions(c); }
  bool call_canceled(const CallControl* c) override { return m_->call_canceled(c); }
  WalkControl* frame_walk_control(kernel::CallerFrame& f, std::string_view l,
                                  program::WalkRecord* r) override {
    return n("frame_walk_control"), m_->frame_walk_control(f, l, r);
  }
  int damos_walk(Ctx* x, WalkControl* c) override { return n("damos_walk"), m_->damos_walk(x, c); }
  int walk_completions(const WalkControl* c) override { return m_->walk_completions(c); }
  std::string describe_core(kernel::World& w) override { return m_->describe_core(w); }
  std::string describe_ctx(kernel::World& w, const Ctx* c) override {
    return m_->describe_ctx(w, c);
  }

 private:
  static void n(const char* what) {
    rt::Invisible inv;  // the test's own count, not the model's memory
    calls()[what]++;
  }
  std::unique_ptr<Backend> m_;
};

std::unique_ptr<Backend> make_counting(const program::ProfileInfo&, kernel::World& w,
                                       program::Oracle& o) {
  program::ProfileInfo model;
  model.model = damon::find_profile("pause-rfc");
  return std::make_unique<Counting>(program::make_model_backend(model, w, o));
}

program::ProfileInfo test_profile(const char* name, uint32_t ops) {
  program::ProfileInfo p;
  p.name = name;
  p.summary = "test: the pause-rfc model behind a counting backend";
  p.source = "tests/backend_test.cc";
  p.features.ops = ops;
  p.make_backend = make_counting;
  return p;
}

// Registered in reverse name order: the list sorts them.
const bool kRegistered =
    program::register_profile(test_profile(
        "zz-test-no-walk",
        program::Features::kAllOps & ~(1u << static_cast<unsigned>(program::OpKind::kWalk)))) &&
    program::register_profile(test_profile("zz-test-counting", program::Features::kAllOps));

const char* kProgram =
    "damon-harness program v1\n"
    "cpu0: start ctx0\ncpu0: walk ctx0\ncpu0: call ctx0\ncpu0: call ctx0 repeat\n"
    "cpu0: call ctx0 repeat dealloc\ncpu0: commit ctx0 schemes=2 intervals=1,2\n"
    "cpu0: pause ctx0\ncpu0: resume ctx0\ncpu0: invalidate ctx0\ncpu0: is_running ctx0\n"
    "cpu1: recreate ctx1\ncpu1: walk ctx1\n"
    "cpu2: start ctx1\ncpu2: stop ctx1\n";

program::Outcome run(const program::Program& p, const char* profile) {
  program::RunConfig cfg;
  cfg.profile = program::find_profile(profile);
  EXPECT_NE(cfg.profile, nullptr) << profile;
  return program::execute(p, cfg);
}

TEST(Profiles, ModelRowsFirstInTableOrderThenRegisteredByName) {
  ASSERT_TRUE(kRegistered);
  const auto& all = program::profiles();
  const auto& model = damon::profiles();
  ASSERT_EQ(all.size(), model.size() + 2);
  for (size_t i = 0; i < model.size(); i++) {
    EXPECT_EQ(all[i].name, model[i].name);
    EXPECT_EQ(all[i].model, &model[i]);
    EXPECT_FALSE(all[i].is_tree());
  }
  EXPECT_EQ(all[model.size()].name, "zz-test-counting");
  EXPECT_EQ(all[model.size() + 1].name, "zz-test-no-walk");
  EXPECT_NE(std::string(program::profile_names()).find("zz-test-no-walk"), std::string::npos);
  EXPECT_EQ(program::find_profile("no-such-profile"), nullptr);
}

TEST(Profiles, FeaturesFollowTheModelRow) {
  EXPECT_FALSE(program::find_profile("v6.14")->features.repeat);
  EXPECT_TRUE(program::find_profile("v6.17")->features.repeat);
  EXPECT_TRUE(program::find_profile("v7.0.y")->features.call_needs_started);
  EXPECT_FALSE(program::find_profile("mm-new")->features.call_needs_started);
  EXPECT_EQ(program::find_profile("v6.14")->features.describe().find("repeat"), std::string::npos);
  EXPECT_NE(program::find_profile("v6.17")->features.describe().find("call(repeat)"),
            std::string::npos);
}

TEST(Backend, EveryOpGoesThroughTheBackendAndGivesTheModelsOutcome) {
  const program::Program p = program::testing::parse_text(kProgram);
  calls().clear();
  const program::Outcome via = run(p, "zz-test-counting");
  const program::Outcome model = run(p, "pause-rfc");
  EXPECT_EQ(via.verdict, model.verdict) << via.summary() << " / " << model.summary();
  EXPECT_EQ(via.run.trace_hash, model.run.trace_hash);
  ASSERT_EQ(via.results.size(), model.results.size());
  for (size_t i = 0; i < via.results.size(); i++)
    EXPECT_EQ(via.results[i].ret, model.results[i].ret) << via.results[i].op;
  for (const char* m :
       {"build_ctx", "destroy_ctx", "commit_ctx", "start", "stop", "is_running",
        "invalidate_target", "frame_call_control", "static_call_control", "kzalloc_call_control",
        "set_call", "damon_call", "frame_walk_control", "damos_walk"})
    EXPECT_GT(calls()[m], 0) << m << " never reached the backend";
}

TEST(Backend, AnOpTheProfileLacksIsNotCarriedOut) {
  const program::Program p = program::testing::parse_text(kProgram);
  calls().clear();
  const program::Outcome o = run(p, "zz-test-no-walk");
  EXPECT_EQ(calls()["damos_walk"], 0);
  for (const program::OpResult& r : o.results)
    if (r.op.rfind("walk", 0) == 0) EXPECT_EQ(r.ret, -EOPNOTSUPP) << r.op;
}

}  // namespace
