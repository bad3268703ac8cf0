// The model behind the Backend interface: each method is the model function of
// the same kernel name, and the model's Observer hooks are translated into the
// Oracle's backend-neutral ones (scheme ids, region indices).
#include "harness/program/backend_model.h"

#include "harness/damon/damon.h"
#include "harness/program/oracle.h"

namespace program {
namespace {

using damon::damon_call_control;
using damon::damon_ctx;
using damon::damos_walk_control;

damon_ctx* model(Ctx* c) {
  return reinterpret_cast<damon_ctx*>(c);
}
const damon_ctx* model(const Ctx* c) {
  return reinterpret_cast<const damon_ctx*>(c);
}
Ctx* opaque(damon_ctx* c) {
  return reinterpret_cast<Ctx*>(c);
}
damon_call_control* model(CallControl* c) {
  return reinterpret_cast<damon_call_control*>(c);
}
const damon_call_control* model(const CallControl* c) {
  return reinterpret_cast<const damon_call_control*>(c);
}
CallControl* opaque(damon_call_control* c) {
  return reinterpret_cast<CallControl*>(c);
}
damos_walk_control* model(WalkControl* c) {
  return reinterpret_cast<damos_walk_control*>(c);
}
const damos_walk_control* model(const WalkControl* c) {
  return reinterpret_cast<const damos_walk_control*>(c);
}

int region_index(const damon_ctx* ctx, const damon::damon_region* r) {
  return static_cast<int>(r - ctx->target.regions);
}

// The model's hooks, in the oracle's terms. A walk control's data is its
// WalkRecord (frame_walk_control).
class ModelObserver final : public damon::Observer {
 public:
  explicit ModelObserver(Oracle& o) : oracle_(o) {}
  void apply_boundary(damon_ctx* ctx, damon::damos* s) override {
    oracle_.apply_boundary(ctx, s->id);
  }
  void scheme_applied(damon_ctx* ctx, damon::damos* s, damon::damon_region* r) override {
    oracle_.scheme_applied(ctx, s->id, region_index(ctx, r));
  }
  void walk_installed(damon_ctx*, damos_walk_control* c) override {
    oracle_.walk_installed(*static_cast<WalkRecord*>(c->data));
  }
  void walk_completing(damon_ctx* ctx, damos_walk_control* c) override {
    int ids[damon::kMaxSchemes];
    size_t n = 0;
    for (const damon::damos* s : ctx->schemes) ids[n++] = s->id;
    oracle_.walk_completing(*static_cast<WalkRecord*>(c->data), ids, n);
  }
  void call_pass(damon_ctx* ctx, bool cancel) override { oracle_.call_pass(ctx, cancel); }

 private:
  Oracle& oracle_;
};

void model_walk_fn(void* data, damon_ctx* ctx, damon::damon_target*, damon::damon_region* r,
                   damon::damos* s, unsigned long) {
  Oracle::walked(*static_cast<WalkRecord*>(data), s->id, region_index(ctx, r));
}

damon::damon_params model_params(const CtxParams& p) {
  damon::damon_params m;
  m.nr_schemes = p.nr_schemes;
  for (int i = 0; i < kMaxSchemes; i++) m.apply_interval_us[i] = p.apply_interval_us[i];
  m.wmarks_active = p.wmarks_active;
  m.pause = p.pause;
  m.fail = p.fail;
  return m;
}
static_assert(kMaxSchemes == damon::kMaxSchemes);

class ModelBackend final : public Backend {
 public:
  ModelBackend(const damon::Profile* profile, kernel::World& world, Oracle& oracle)
      : observer_(oracle) {
    core_ = damon::damon_core_create(world, profile);
    core_->observer = &observer_;
  }

  Ctx* build_ctx(const CtxParams& p) override {
    return opaque(damon::damon_build_param_ctx(model_params(p)));
  }
  void destroy_ctx(Ctx* ctx) override { damon::damon_destroy_ctx(model(ctx)); }
  int commit_ctx(Ctx* dst, Ctx* src) override {
    return damon::damon_commit_ctx(model(dst), model(src));
  }
  int start(Ctx** ctxs, int nr_ctxs, bool exclusive) override {
    return damon::damon_start(reinterpret_cast<damon_ctx**>(ctxs), nr_ctxs, exclusive);
  }
  int stop(Ctx** ctxs, int nr_ctxs) override {
    return damon::damon_stop(reinterpret_cast<damon_ctx**>(ctxs), nr_ctxs);
  }
  bool is_running(Ctx* ctx) override { return damon::damon_is_running(model(ctx)); }
  void invalidate_target(Ctx* ctx) override { damon::damon_invalidate_target(model(ctx)); }

  CallControl* frame_call_control(kernel::CallerFrame& frame, const char* what,
                                  std::string_view label) override {
    auto* c = frame.make<damon_call_control>(what);
    if (!label.empty()) c->completion.e.set_label(label);
    return opaque(c);
  }
  CallControl* static_call_control(std::string_view owner_desc, std::string_view label) override {
    auto* c = new damon_call_control();
    kernel::World::current().born(c, "static repeat control", kernel::Owner::kStatic, owner_desc,
                                  nullptr);
    c->completion.e.set_label(label);
    return opaque(c);
  }
  CallControl* kzalloc_call_control(const char* what, std::string_view label,
                                    const rt::Site* site) override {
    auto* c = kernel::kzalloc_obj<damon_call_control>(what, site);
    if (c) c->completion.e.set_label(label);
    return opaque(c);
  }
  void free_call_control(CallControl* c, const rt::Site* site) override {
    kernel::kfree_at(model(c), site);
  }
  void set_call(CallControl* c, const CallSpec& spec) override {
    damon_call_control* m = model(c);
    m->fn = spec.fn;
    m->data = spec.data;
    m->repeat = spec.repeat;
    m->dealloc_on_cancel = spec.dealloc_on_cancel;
  }
  int damon_call(Ctx* ctx, CallControl* c) override {
    return damon::damon_call(model(ctx), model(c));
  }
  int call_return_code(const CallControl* c) override { return model(c)->return_code; }
  int call_completions(const CallControl* c) override {
    return static_cast<int>(model(c)->completion.e.signals());
  }
  bool call_canceled(const CallControl* c) override { return model(c)->canceled; }

  WalkControl* frame_walk_control(kernel::CallerFrame& frame, std::string_view label,
                                  WalkRecord* record) override {
    auto* c = frame.make<damos_walk_control>("walk control");
    c->completion.e.set_label(label);
    c->walk_fn = model_walk_fn;
    c->data = record;
    return reinterpret_cast<WalkControl*>(c);
  }
  int damos_walk(Ctx* ctx, WalkControl* c) override {
    return damon::damos_walk(model(ctx), model(c));
  }
  int walk_completions(const WalkControl* c) override {
    return static_cast<int>(model(c)->completion.e.signals());
  }

  std::string describe_core(kernel::World& w) override {
    return damon::damon_describe_core(w, core_);
  }
  std::string describe_ctx(kernel::World& w, const Ctx* ctx) override {
    return damon::damon_describe_ctx(w, model(ctx));
  }

 private:
  ModelObserver observer_;
  damon::damon_core* core_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> make_model_backend(const ProfileInfo& profile, kernel::World& world,
                                            Oracle& oracle) {
  return std::make_unique<ModelBackend>(profile.model, world, oracle);
}

}  // namespace program
