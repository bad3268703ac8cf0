// A kernel tree's own core.c behind the program layer's Backend interface,
// and its profile: one per tree built in (DWH_KERNEL_TREES), registered at
// static initialisation (this file is linked whole, see CMakeLists.txt).
//
// Contexts are the tree's struct damon_ctx; controls are the tree's structs in
// harness memory with a lifetime (a caller's frame, the run, or the heap), so
// that the kdamond's complete() of a control whose owner is gone is reported.
// The walk contract is checked in its observable part: a damos_walk() that
// returns 0 must have been completed by the kdamond, not canceled. Which
// schemes passed a boundary is not observable without instrumenting core.c,
// so a completion reports no schemes to the oracle (docs/tree.md).
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "harness/kernel/kernel.h"
#include "harness/program/backend.h"
#include "harness/program/oracle.h"
#include "harness/program/profiles.h"
#include "harness/runtime/invisible.h"
#include "harness/tree/tree.h"

namespace tree {
namespace {

using program::CallControl;
using program::Ctx;
using program::WalkControl;

// What a walk's completion hook needs.
struct WalkHook {
  const dwh_tree* tree = nullptr;
  program::Oracle* oracle = nullptr;
  program::WalkRecord* record = nullptr;
  void* control = nullptr;
};

// Control memory: big enough for any tree's control (checked at registration),
// and for a walk control the hook its completion runs.
struct ControlMem final : kernel::Tracked {
  alignas(16) unsigned char bytes[512];
  WalkHook hook;
};

void* raw(CallControl* c) {
  return c;
}
const void* raw(const CallControl* c) {
  return c;
}

void walk_completing(void* arg) {
  auto* h = static_cast<WalkHook*>(arg);
  if (h->tree->walk_canceled(h->control)) return;  // damos_walk_cancel()
  h->oracle->walk_completing(*h->record, nullptr, 0);
}

void walked(void* data, const dwh_tree_walked* w) {
  program::Oracle::walked(*static_cast<program::WalkRecord*>(data), w->scheme, w->region);
}

// The kernel-doc's caller precondition (damon_call()/damos_walk() only after a
// successful damon_start() of the ctx), checked like the model's contracts.
void report_caller_contract(const char* where) {
  rt::Execution& e = rt::Execution::current();
  rt::Finding f;
  f.verdict = rt::Verdict::kCallerContract;
  f.message = std::string(where) +
              "() on a ctx never started since damon_new_ctx() (kernel-doc: call only after a "
              "successful damon_start())";
  f.tid = e.self();
  f.site = std::string(where) + ":caller contract";
  e.report(std::move(f));
}

class TreeBackend final : public program::Backend {
 public:
  TreeBackend(const dwh_tree& t, program::Oracle& oracle) : t_(t), oracle_(oracle) {}

  Ctx* build_ctx(const program::CtxParams& p) override {
    // The setup thread builds the first contexts: the tree's reset comes first.
    if (!reset_) {
      begin_run(t_, 0);
      reset_ = true;
    }
    dwh_tree_params tp{};
    tp.nr_schemes = p.nr_schemes;
    for (int i = 0; i < 3; i++) tp.apply_interval_us[i] = p.apply_interval_us[i];
    tp.wmarks_active = p.wmarks_active;
    tp.pause = p.pause;
    void* ctx = t_.build_ctx(&tp);
    if (ctx && p.fail) failing_ = ctx;
    return static_cast<Ctx*>(ctx);
  }
  void destroy_ctx(Ctx* ctx) override {
    {
      rt::Invisible inv;
      std::lock_guard<std::mutex> g(mu_);
      started_.erase(ctx);
    }
    t_.destroy_ctx(ctx);
  }
  // A failing parameter ctx: the commit's first allocation fails (if it makes one).
  int commit_ctx(Ctx* dst, Ctx* src) override {
    kernel::Faults& f = kernel::World::current().faults;
    const bool fail = src == failing_;
    if (fail) f.fail_alloc++;
    const int ret = t_.commit_ctx(dst, src);
    if (fail && f.fail_alloc > 0) f.fail_alloc--;
    return ret;
  }
  // A ctx counts as started from the start of a damon_start() that succeeds
  // (as the model's ever_started, set before the caller's return): a call
  // racing the start's return is not a caller bug.
  //
  // The caller's part, where the tree's damon_start() first commits each ctx
  // into a test ctx: every in-tree caller (sysfs, DAMON_RECLAIM,
  // DAMON_LRU_SORT, DAMON_STAT) starts a ctx only after damon_is_running()
  // said it is not, under a lock of its own (the program's slot lock here).
  // Without that, the validation reads targets and regions a live kdamond
  // owns, and frees at its exit (docs/findings.md, "Cross-checks"); so the
  // program's start does what those callers do and gets -EBUSY.
  int start(Ctx** ctxs, int nr, bool exclusive) override {
    if (t_.features & DWH_TREE_START_VALIDATES) {
      for (int i = 0; i < nr; i++)
        if (t_.is_running(ctxs[i])) return -EBUSY;
    }
    std::set<const Ctx*> fresh;
    {
      rt::Invisible inv;
      std::lock_guard<std::mutex> g(mu_);
      for (int i = 0; i < nr; i++)
        if (started_.insert(ctxs[i]).second) fresh.insert(ctxs[i]);
    }
    const int ret = t_.start(reinterpret_cast<void**>(ctxs), nr, exclusive);
    if (ret != 0) {
      rt::Invisible inv;
      std::lock_guard<std::mutex> g(mu_);
      for (const Ctx* c : fresh) started_.erase(c);
    }
    return ret;
  }
  int stop(Ctx** ctxs, int nr) override { return t_.stop(reinterpret_cast<void**>(ctxs), nr); }
  bool is_running(Ctx* ctx) override { return t_.is_running(ctx); }
  void invalidate_target(Ctx* ctx) override { t_.invalidate(ctx); }

  CallControl* frame_call_control(kernel::CallerFrame& frame, const char* what,
                                  std::string_view label) override {
    ControlMem* m = frame.make<ControlMem>(what);
    if (t_.call_completion) prepare_completion(t_.call_completion(m->bytes), m, label);
    return reinterpret_cast<CallControl*>(m->bytes);
  }
  CallControl* static_call_control(std::string_view owner_desc, std::string_view label) override {
    auto* m = new ControlMem();
    kernel::World::current().born(m, "static repeat control", kernel::Owner::kStatic, owner_desc,
                                  nullptr);
    if (t_.call_completion) prepare_completion(t_.call_completion(m->bytes), m, label);
    return reinterpret_cast<CallControl*>(m->bytes);
  }
  CallControl* kzalloc_call_control(const char* what, std::string_view label,
                                    const rt::Site* site) override {
    kernel::World& w = kernel::World::current();
    if (w.faults.fail_alloc > 0) {
      w.faults.fail_alloc--;
      return nullptr;
    }
    void* c = alloc_block(t_.call_control_size, what, kernel::Owner::kHeap, "kmalloc", site);
    if (t_.call_completion) prepare_completion(t_.call_completion(c), block_of(c), label);
    return static_cast<CallControl*>(c);
  }
  void free_call_control(CallControl* c, const rt::Site* site) override {
    rt::Execution::current().point(site);
    free_block(c, site);
  }
  void set_call(CallControl* c, const program::CallSpec& s) override {
    if (!t_.set_call) return;
    t_.set_call(
        raw(c), s.fn, s.data,
        (s.repeat ? DWH_CALL_REPEAT : 0) | (s.dealloc_on_cancel ? DWH_CALL_DEALLOC_ON_CANCEL : 0));
  }
  int damon_call(Ctx* ctx, CallControl* c) override {
    if (!t_.call) return -EOPNOTSUPP;
    if (!started(ctx, DWH_TREE_CALL_NEEDS_STARTED, "damon_call")) return -EINVAL;
    return t_.call(ctx, raw(c));
  }
  int call_return_code(const CallControl* c) override {
    return t_.call_return_code ? t_.call_return_code(raw(c)) : 0;
  }
  int call_completions(const CallControl* c) override {
    if (!t_.call_completion) return 0;
    rt::Invisible inv;
    return static_cast<int>(completion_signals(t_.call_completion(const_cast<void*>(raw(c)))));
  }
  bool call_canceled(const CallControl* c) override {
    return t_.call_canceled && t_.call_canceled(raw(c));
  }

  WalkControl* frame_walk_control(kernel::CallerFrame& frame, std::string_view label,
                                  program::WalkRecord* record) override {
    ControlMem* m = frame.make<ControlMem>("walk control");
    m->hook = WalkHook{&t_, &oracle_, record, m->bytes};
    if (t_.walk_completion)
      prepare_completion(t_.walk_completion(m->bytes), m, label, walk_completing, &m->hook);
    return reinterpret_cast<WalkControl*>(m);
  }
  int damos_walk(Ctx* ctx, WalkControl* c) override {
    if (!t_.walk) return -EOPNOTSUPP;
    if (!started(ctx, DWH_TREE_WALK_NEEDS_STARTED, "damos_walk")) return -EINVAL;
    ControlMem* m = reinterpret_cast<ControlMem*>(c);
    return t_.walk(ctx, m->bytes, walked, m->hook.record);
  }
  int walk_completions(const WalkControl* c) override {
    if (!t_.walk_completion) return 0;
    rt::Invisible inv;
    auto* m = reinterpret_cast<ControlMem*>(const_cast<WalkControl*>(c));
    return static_cast<int>(completion_signals(t_.walk_completion(m->bytes)));
  }

  std::string describe_core(kernel::World&) override {
    return std::string("tree ") + t_.name + " (" + t_.release + "): core.c's own state";
  }
  std::string describe_ctx(kernel::World&, const Ctx*) override { return "(tree ctx)"; }

 private:
  // False (reported) when the tree's kernel-doc requires a started ctx and
  // this one never was.
  bool started(const Ctx* ctx, unsigned feature, const char* where) {
    if (!(t_.features & feature)) return true;
    {
      rt::Invisible inv;
      std::lock_guard<std::mutex> g(mu_);
      if (started_.count(ctx)) return true;
    }
    report_caller_contract(where);
    return false;
  }

  const dwh_tree& t_;
  program::Oracle& oracle_;
  bool reset_ = false;
  const void* failing_ = nullptr;
  std::mutex mu_;                 // harness bookkeeping, invisible to TSan
  std::set<const Ctx*> started_;  // ctxs a damon_start() of succeeded
};

std::unique_ptr<program::Backend> make_tree_backend(const program::ProfileInfo& p, kernel::World&,
                                                    program::Oracle& oracle) {
  return std::make_unique<TreeBackend>(*static_cast<const dwh_tree*>(p.tree), oracle);
}

program::Features features_of(const dwh_tree& t) {
  using program::OpNeeds;
  program::Features f;
  if (!(t.features & DWH_TREE_CALL)) f.drop_needing(OpNeeds::kCall);
  if (!(t.features & DWH_TREE_WALK)) f.drop_needing(OpNeeds::kWalk);
  if (!(t.features & DWH_TREE_PAUSE)) f.drop_needing(OpNeeds::kPause);
  // Without damon_commit_ctx() the harness has no commit to carry out (6.1's
  // sysfs set attrs and schemes through the kdamond's callbacks). Without
  // damon_call(), a commit into a running ctx returns -EOPNOTSUPP (backend).
  if (!(t.features & DWH_TREE_COMMIT_CTX)) f.drop_needing(OpNeeds::kCommitCtx);
  f.repeat = t.features & DWH_TREE_REPEAT;
  f.call_needs_started = t.features & DWH_TREE_CALL_NEEDS_STARTED;
  f.walk_needs_started = t.features & DWH_TREE_WALK_NEEDS_STARTED;
  return f;
}

bool register_trees() {
  for (const dwh_tree* t : trees()) {
    if (t->call_control_size > sizeof(ControlMem::bytes) ||
        t->walk_control_size > sizeof(ControlMem::bytes))
      std::abort();
    program::ProfileInfo p;
    p.name = t->name;
    p.summary = std::string("kernel tree ") + t->release + ": its own mm/damon/core.c";
    p.source = t->source;
    p.features = features_of(*t);
    p.make_backend = make_tree_backend;
    p.tree = t;
    program::register_profile(std::move(p));
  }
  return true;
}

}  // namespace
}  // namespace tree

// Referenced by the link (harness/tree/CMakeLists.txt), so that this object
// and its registration are kept.
extern "C" const bool dwh_tree_profiles_linked = tree::register_trees();
