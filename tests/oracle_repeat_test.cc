// The repeat-control oracle (harness/program/oracle.h): a repeat
// damon_call_control registered on a running ctx runs in every later
// kdamond_call() pass until the ctx's exit cancels it, with or without
// dealloc_on_cancel. One that drops off silently is a lost request.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/damon/profile.h"
#include "harness/program/backend.h"
#include "harness/program/backend_model.h"
#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/runtime/invisible.h"
#include "program_testing.h"

namespace {

using program::Backend;
using program::CallControl;
using program::CallSpec;
using program::Ctx;
using program::testing::parse_text;

program::Outcome run(const program::Program& p, const program::ProfileInfo& profile) {
  program::RunConfig cfg;
  cfg.profile = &profile;
  cfg.options.record_trace = false;
  return program::execute(p, cfg);
}

std::vector<const program::ProfileInfo*> repeat_profiles() {
  std::vector<const program::ProfileInfo*> out;
  for (const program::ProfileInfo& p : program::profiles())
    if (p.features.repeat && !p.is_tree()) out.push_back(&p);
  return out;
}

// One repeat control of each form, alone on its ctx, for 30 samples.
constexpr const char* kStatic =
    "damon-harness program v1\n"
    "cpu0: start ctx0\ncpu0: call ctx0 repeat\ncpu0: sleep 150\ncpu0: stop ctx0\n";
constexpr const char* kDealloc =
    "damon-harness program v1\n"
    "cpu0: start ctx0\ncpu0: call ctx0 repeat dealloc\ncpu0: sleep 150\ncpu0: stop ctx0\n";
// Both forms on one ctx, then a restart that the module re-arms after.
constexpr const char* kBoth =
    "damon-harness program v1\n"
    "cpu0: start ctx0\ncpu0: call ctx0 repeat\ncpu0: call ctx0 repeat dealloc\n"
    "cpu0: sleep 100\ncpu0: stop ctx0\n"
    "cpu0: start ctx0\ncpu0: call ctx0 repeat\ncpu0: sleep 100\ncpu0: stop ctx0\n";

// The clean twins: every profile with repeat mode keeps a lone control of
// either form running until its ctx stops.
TEST(RepeatOracle, ALoneRepeatControlRunsEveryPassOnEveryRepeatProfile) {
  ASSERT_FALSE(repeat_profiles().empty());
  for (const program::ProfileInfo* prof : repeat_profiles()) {
    for (const char* text : {kStatic, kDealloc}) {
      const program::Outcome o = run(parse_text(text), *prof);
      EXPECT_EQ(o.verdict, rt::Verdict::kOk) << prof->name << ": " << o.summary() << "\n" << text;
    }
  }
}

// 7.0's kdamond_call() serves a local list and splices every repeat control
// back (K4): two at once, and a re-arm after a restart, are fine.
TEST(RepeatOracle, TwoRepeatControlsKeepRunningWithTheLocalList) {
  for (const program::ProfileInfo* prof : repeat_profiles()) {
    if (prof->model->kcall != damon::KdamondCallForm::kK4) continue;
    const program::Outcome o = run(parse_text(kBoth), *prof);
    EXPECT_EQ(o.verdict, rt::Verdict::kOk) << prof->name << ": " << o.summary();
  }
}

// 6.17 and 6.19 serve one control at a time and requeue only the last repeat
// control served (K3, 43df7676e550; docs/model.md): of two, one drops off
// without being canceled, and the oracle reports it. A real behaviour of those
// versions, not a planted bug.
TEST(RepeatOracle, TheOneByOneFormDropsAllButOneRepeatControl) {
  for (const char* name : {"v6.17", "v6.19"}) {
    const program::Outcome o = run(parse_text(kBoth), *program::find_profile(name));
    ASSERT_EQ(o.verdict, rt::Verdict::kLostRequest) << name << ": " << o.summary();
    EXPECT_NE(o.run.findings[0].message.find("repeat damon_call_control of cpu0 op#"),
              std::string::npos)
        << o.run.findings[0].message;
  }
}

// ---- the planted bug: a kdamond that lets a repeat control go after it ran ----

// What a planted control's fn needs: the control, its real spec, the backend.
struct Planted {
  Backend* inner = nullptr;
  CallControl* control = nullptr;
  CallSpec spec;
  bool dropped = false;
};

// The model, except that each repeat control stops being one once its fn has
// run (as if kdamond_call() forgot to keep it): it runs once more as a
// one-shot request, is completed, and never runs again, canceled or not.
class DroppingBackend final : public Backend {
 public:
  explicit DroppingBackend(std::unique_ptr<Backend> inner) : in_(std::move(inner)) {}

  static int planted_fn(void* data) {
    auto* p = static_cast<Planted*>(data);
    const int ret = p->spec.fn(p->spec.data);
    if (!p->dropped) {
      p->dropped = true;
      CallSpec once = p->spec;
      once.fn = planted_fn;
      once.data = p;
      once.repeat = false;
      once.dealloc_on_cancel = false;
      // Rewriting the control from the kdamond races with damon_call()'s
      // read of its repeat flag after queueing: a kdamond with this bug
      // would race the same way. ThreadSanitizer builds would report the
      // plant's race instead of the oracle's finding, so the plant's own
      // write is hidden from it.
      const rt::QuietAccesses plant_write;
      p->inner->set_call(p->control, once);
    }
    return ret;
  }

  void set_call(CallControl* c, const CallSpec& spec) override {
    if (!spec.repeat) return in_->set_call(c, spec);
    auto p = std::make_unique<Planted>(Planted{in_.get(), c, spec, false});
    CallSpec wrapped = spec;
    wrapped.fn = planted_fn;
    wrapped.data = p.get();
    planted_.push_back(std::move(p));
    in_->set_call(c, wrapped);
  }

  Ctx* build_ctx(const program::CtxParams& p) override { return in_->build_ctx(p); }
  void destroy_ctx(Ctx* ctx) override { in_->destroy_ctx(ctx); }
  int commit_ctx(Ctx* dst, Ctx* src) override { return in_->commit_ctx(dst, src); }
  int start(Ctx** ctxs, int n, bool exclusive) override { return in_->start(ctxs, n, exclusive); }
  int stop(Ctx** ctxs, int n) override { return in_->stop(ctxs, n); }
  bool is_running(Ctx* ctx) override { return in_->is_running(ctx); }
  void invalidate_target(Ctx* ctx) override { in_->invalidate_target(ctx); }
  CallControl* frame_call_control(kernel::CallerFrame& frame, const char* what,
                                  std::string_view label) override {
    return in_->frame_call_control(frame, what, label);
  }
  CallControl* static_call_control(std::string_view owner, std::string_view label) override {
    return in_->static_call_control(owner, label);
  }
  CallControl* kzalloc_call_control(const char* what, std::string_view label,
                                    const rt::Site* site) override {
    return in_->kzalloc_call_control(what, label, site);
  }
  void free_call_control(CallControl* c, const rt::Site* site) override {
    in_->free_call_control(c, site);
  }
  int damon_call(Ctx* ctx, CallControl* c) override { return in_->damon_call(ctx, c); }
  int call_return_code(const CallControl* c) override { return in_->call_return_code(c); }
  int call_completions(const CallControl* c) override { return in_->call_completions(c); }
  bool call_canceled(const CallControl* c) override { return in_->call_canceled(c); }
  program::WalkControl* frame_walk_control(kernel::CallerFrame& frame, std::string_view label,
                                           program::WalkRecord* record) override {
    return in_->frame_walk_control(frame, label, record);
  }
  int damos_walk(Ctx* ctx, program::WalkControl* c) override { return in_->damos_walk(ctx, c); }
  int walk_completions(const program::WalkControl* c) override { return in_->walk_completions(c); }
  std::string describe_core(kernel::World& w) override { return in_->describe_core(w); }
  std::string describe_ctx(kernel::World& w, const Ctx* ctx) override {
    return in_->describe_ctx(w, ctx);
  }

 private:
  std::unique_ptr<Backend> in_;
  std::vector<std::unique_ptr<Planted>> planted_;
};

std::unique_ptr<Backend> make_dropping(const program::ProfileInfo& profile, kernel::World& world,
                                       program::Oracle& oracle) {
  return std::make_unique<DroppingBackend>(program::make_model_backend(profile, world, oracle));
}

// The planted profile: a model row with the dropping kdamond.
program::ProfileInfo planted(const program::ProfileInfo& base) {
  program::ProfileInfo p = base;
  p.name = base.name + "+drop-repeat";
  p.make_backend = make_dropping;
  return p;
}

TEST(RepeatOracle, APlantedKdamondThatDropsRepeatControlsIsFound) {
  for (const program::ProfileInfo* prof : repeat_profiles()) {
    const program::ProfileInfo drop = planted(*prof);
    for (const char* text : {kStatic, kDealloc}) {
      const program::Outcome o = run(parse_text(text), drop);
      ASSERT_EQ(o.verdict, rt::Verdict::kLostRequest) << drop.name << ": " << o.summary();
      EXPECT_NE(o.run.findings[0].message.find("was never canceled"), std::string::npos)
          << o.run.findings[0].message;
    }
  }
}

}  // namespace
