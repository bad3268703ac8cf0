// One operation, carried out the way the in-tree callers do it (docs/model.md,
// "Callers"):
// stack controls for one-shot calls and walks (sysfs), a static repeat control
// (reclaim, lru_sort, stat), a kmalloc'd dealloc_on_cancel repeat control
// (sysfs), and commits through damon_call while running, directly while stopped.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

#include "harness/program/run_state.h"
#include "harness/runtime/invisible.h"

namespace program {

namespace {

rt::Execution& ex() {
  return rt::Execution::current();
}

void contract_violation(std::string msg) {
  rt::Finding f;
  f.verdict = rt::Verdict::kReturnContract;
  f.message = std::move(msg);
  ex().report(std::move(f));
}

void caller_violation(std::string msg) {
  rt::Finding f;
  f.verdict = rt::Verdict::kCallerContract;
  f.message = std::move(msg);
  ex().report(std::move(f));
}

CtxParams params_of(Slot& s) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(s.params_mu);
  return s.params;
}

void set_params(Slot& s, const CtxParams& p) {
  rt::Invisible inv;
  std::lock_guard<std::mutex> g(s.params_mu);
  s.params = p;
}

struct CommitArgs {
  Backend* backend;
  Ctx* dst;
  Ctx* src;
};

int commit_fn(void* data) {
  auto* args = static_cast<CommitArgs*>(data);
  return args->backend->commit_ctx(args->dst, args->src);
}

// sysfs "commit" / a module's commit_inputs: build a parameter ctx, then
// commit it inside the kdamond if running, directly otherwise.
int commit(Backend& b, Slot& slot, const CtxParams& p, std::string_view owner) {
  Ctx* ctx = slot.ctx.load();
  Ctx* param = b.build_ctx(p);
  if (!param) return -ENOMEM;
  int ret;
  if (b.is_running(ctx)) {
    kernel::CallerFrame frame(owner);
    CallControl* c = b.frame_call_control(frame, "commit call control", {});
    CommitArgs args{&b, ctx, param};
    b.set_call(c, CallSpec{.fn = commit_fn, .data = &args});
    const int err = b.damon_call(ctx, c);
    ret = err ? err : b.call_return_code(c);
  } else {
    mutex_lock(&slot.caller_lock);
    ret = b.is_running(ctx) ? -EBUSY : b.commit_ctx(ctx, param);
    mutex_unlock(&slot.caller_lock);
  }
  b.destroy_ctx(param);
  if (ret == 0) set_params(slot, p);
  return ret;
}

int start(RunState& st, const Op& op) {
  Ctx* ctxs[kMaxCtxs];
  int n = 0;
  for (int i = 0; i < kMaxCtxs; i++) {
    if ((op.ctx_mask >> i & 1) && st.slots[i].ctx.load()) ctxs[n++] = st.slots[i].ctx.load();
  }
  if (!n) return -ENODEV;
  for (int i = 0; i < kMaxCtxs; i++) {
    if (op.ctx_mask >> i & 1) mutex_lock(&st.slots[i].caller_lock);
  }
  const int ret = st.backend->start(ctxs, n, op.exclusive);
  for (int i = kMaxCtxs - 1; i >= 0; i--) {
    if (op.ctx_mask >> i & 1) mutex_unlock(&st.slots[i].caller_lock);
  }
  return ret;
}

int stop(RunState& st, const Op& op) {
  Ctx* ctxs[kMaxCtxs];
  int n = 0;
  for (int i = 0; i < kMaxCtxs; i++) {
    if ((op.ctx_mask >> i & 1) && st.slots[i].ctx.load()) ctxs[n++] = st.slots[i].ctx.load();
  }
  return n ? st.backend->stop(ctxs, n) : -ENODEV;
}

int walk(RunState& st, Slot& slot, std::string_view owner) {
  auto rec = std::make_unique<WalkRecord>();
  WalkRecord* w = rec.get();
  {
    std::lock_guard<std::mutex> g(st.records_mu);
    st.walks.push_back(std::move(rec));
  }
  Backend& b = *st.backend;
  kernel::CallerFrame frame(owner);
  WalkControl* c = b.frame_walk_control(frame, owner, w);
  const int ret = b.damos_walk(slot.ctx.load(), c);
  if (b.walk_completions(c) > 1) contract_violation("damos_walk request completed twice");
  if (std::string v = st.oracle.check_walk(*w, ret); !v.empty()) contract_violation(v);
  return ret;
}

int call_once(RunState& st, Slot& slot, std::string_view owner) {
  auto rec = std::make_unique<CallRecord>();
  CallRecord* r = rec.get();
  {
    std::lock_guard<std::mutex> g(st.records_mu);
    st.calls.push_back(std::move(rec));
  }
  Backend& b = *st.backend;
  kernel::CallerFrame frame(owner);
  CallControl* c = b.frame_call_control(frame, "call control", owner);
  b.set_call(c, CallSpec{.fn = Oracle::call_fn, .data = r});
  r->backend = &b;
  r->control = c;
  const int ret = b.damon_call(slot.ctx.load(), c);
  if (b.call_completions(c) > 1) contract_violation("damon_call request completed twice");
  if (std::string v = st.oracle.check_call(*r, false, ret); !v.empty()) contract_violation(v);
  return ret;
}

// A module's static repeat control (reclaim, lru_sort, stat), one per client
// and context. Static memory is there from the module's load on; it is made
// when the client first uses it, which no thread can tell apart (making it is
// no scheduling point), and saves a run that never uses it the allocations.
CallControl* static_control(RunState& st, int client, int ctx) {
  CallControl*& c = st.statics[client][ctx];
  if (c) return c;
  char desc[32], label[48];
  if (client == kSetupClient) {
    std::snprintf(desc, sizeof desc, "setup module");
    std::snprintf(label, sizeof label, "setup static repeat control");
  } else {
    std::snprintf(desc, sizeof desc, "client %d module", client);
    std::snprintf(label, sizeof label, "cpu%d static repeat control", client);
  }
  c = st.backend->static_call_control(desc, label);
  // A module's static control has its fields from its definition on (e.g.
  // damon_reclaim's `{.fn = ..., .repeat = true}`): they are set once, never
  // rewritten by a later damon_call() of the module.
  CallRecord& r = st.static_records[client][ctx];
  st.backend->set_call(c, CallSpec{.fn = Oracle::call_fn, .data = &r, .repeat = true});
  r.backend = st.backend.get();
  r.control = c;
  return c;
}

// A module's damon_call() of its static repeat control, as
// damon_reclaim_turn(), damon_lru_sort_turn() and damon_stat_start() make it
// right after a successful damon_start(). The module knows only its own calls'
// return values, not whether the old kdamond has let the control go, so the
// call is made unconditionally; what a still-linked control then does is the
// model's to show (contract_call_control_unlinked()).
int call_repeat_static(RunState& st, int client, int ctx, std::string_view owner) {
  Backend& b = *st.backend;
  CallControl* c = static_control(st, client, ctx);
  CallRecord& r = st.static_records[client][ctx];
  Ctx* target = st.slots[ctx].ctx.load();
  st.oracle.repeat_calling(r, target, owner);
  const int ret = b.damon_call(target, c);
  st.oracle.repeat_returned(r, ret);
  if (std::string v = st.oracle.check_call(r, true, ret); !v.empty()) contract_violation(v);
  return ret;
}

// sysfs: a kmalloc'd repeat control with dealloc_on_cancel, freed by the caller
// when damon_call() fails and by the kdamond when it is canceled.
int call_repeat_dealloc(RunState& st, Slot& slot, std::string_view owner) {
  Backend& b = *st.backend;
  CallControl* c = b.kzalloc_call_control("repeat control (dealloc_on_cancel)", owner,
                                          RT_SITE("kmalloc repeat control"));
  if (!c) return -ENOMEM;
  auto rec = std::make_unique<CallRecord>();
  CallRecord* r = rec.get();
  {
    std::lock_guard<std::mutex> g(st.records_mu);
    st.calls.push_back(std::move(rec));
  }
  b.set_call(c,
             CallSpec{.fn = Oracle::call_fn, .data = r, .repeat = true, .dealloc_on_cancel = true});
  r->control = nullptr;  // the control may be freed; fn cannot look at it safely
  Ctx* target = slot.ctx.load();
  st.oracle.repeat_calling(*r, target, owner);
  const int ret = b.damon_call(target, c);
  st.oracle.repeat_returned(*r, ret);
  if (ret) b.free_call_control(c, RT_SITE("kfree"));
  return ret;
}

// sysfs's "on" (damon_sysfs_turn_damon_on()): -EBUSY while the old ctx runs,
// else damon_destroy_ctx() of it and a new one from the committed parameters.
int recreate(RunState& st, int ctx, std::string_view owner) {
  Slot& slot = st.slots[ctx];
  mutex_lock(&slot.caller_lock);
  Backend& b = *st.backend;
  if (Ctx* cur = slot.ctx.load(); cur && b.is_running(cur)) {
    mutex_unlock(&slot.caller_lock);
    return -EBUSY;
  }
  // The check and the exchange are one step under inflight_mu: a caller that
  // still uses the old ctx has announced itself by now, and a later one finds
  // the slot empty (-ENODEV) or the fresh ctx.
  Ctx* old = nullptr;
  bool busy;
  {
    std::lock_guard<std::mutex> g(slot.inflight_mu);
    busy = slot.inflight > 1;
    if (!busy) old = slot.ctx.exchange(nullptr);
  }
  if (busy) {
    mutex_unlock(&slot.caller_lock);
    caller_violation("damon_destroy_ctx() of ctx" + std::to_string(ctx) +
                     " while another caller's call on it is in flight (" + std::string(owner) +
                     ")");
    return -EINVAL;  // the os runtime goes on after a report: leave the ctx alone
  }
  if (old) {
    st.oracle.ctx_gone(old);
    b.destroy_ctx(old);
  }
  Ctx* fresh = b.build_ctx(params_of(slot));
  slot.ctx.store(fresh);
  mutex_unlock(&slot.caller_lock);
  return fresh ? 0 : -ENOMEM;
}

}  // namespace

void setup_contexts(RunState& st) {
  for (int i = 0; i < kMaxCtxs; i++) {
    st.slots[i].ctx.store(st.backend->build_ctx(st.slots[i].params));
  }
  // The static repeat controls are made at their first use (static_control()).
  rt::Execution& e = rt::Execution::current();
  const std::vector<Op>& setup = st.program->setup;
  for (size_t i = 0; i < setup.size(); i++) {
    OpResult& r = st.setup_results[i];
    if (e.tracing()) e.note(r.op);
    r.ret = run_op(st, kSetupClient, static_cast<int>(i), setup[i], r.op);
    r.returned = true;
    if (e.tracing()) e.note(r.op + " = " + kernel::errname(r.ret));
  }
}

// The caller's name for what an op creates: "cpu<client> op#<index> <text>",
// written into the caller's buffer (no heap allocation per op) and cut at its
// size; only the ops that name something build it.
class OwnerText {
 public:
  OwnerText(int client, int index, const std::string& text)
      : client_(client), index_(index), text_(text) {}
  std::string_view operator()() {
    char* p = buf_;
    char* const end = buf_ + sizeof buf_;
    if (client_ == kSetupClient) {
      p = std::copy_n("setup", 5, p);
    } else {
      p = std::copy_n("cpu", 3, p);
      p = std::to_chars(p, end, client_).ptr;
    }
    p = std::copy_n(" op#", 4, p);
    p = std::to_chars(p, end, index_).ptr;
    *p++ = ' ';
    const size_t n = std::min(text_.size(), static_cast<size_t>(end - p));
    p = std::copy_n(text_.data(), n, p);
    return std::string_view(buf_, static_cast<size_t>(p - buf_));
  }

 private:
  int client_, index_;
  const std::string& text_;
  char buf_[160];
};

int run_op(RunState& st, int client, int index, const Op& op, const std::string& text) {
  OwnerText owner_of(client, index, text);
  const int ci = op.ctx();
  Slot& slot = st.slots[ci];
  const bool on_ctx = op_spec(op.kind).on_ctx();
  const bool needs_ctx = op_spec(op.kind).has(Arg::kCtx);  // start/stop skip a missing one
  // Count this call as in flight on every context it names, so that a
  // concurrent re-create of one of them is seen as the caller bug it is. The
  // count and the look at the ctx are one step for a re-create (inflight_mu,
  // taken in slot order).
  struct Inflight {
    RunState& st;
    uint8_t mask;
    void lock_and_add(int d) {
      for (int i = 0; i < kMaxCtxs; i++)
        if (mask >> i & 1) st.slots[i].inflight_mu.lock();
      for (int i = 0; i < kMaxCtxs; i++)
        if (mask >> i & 1) st.slots[i].inflight += d;
    }
    void unlock() {
      for (int i = kMaxCtxs - 1; i >= 0; i--)
        if (mask >> i & 1) st.slots[i].inflight_mu.unlock();
    }
    ~Inflight() {
      lock_and_add(-1);
      unlock();
    }
  } inflight{st, on_ctx ? op.ctx_mask : uint8_t{0}};
  inflight.lock_and_add(1);
  const bool missing = needs_ctx && !slot.ctx.load();
  inflight.unlock();
  if (missing) return -ENODEV;  // the slot lost its ctx to a failed re-create
  if (!st.profile->features.has(op.kind)) return -EOPNOTSUPP;  // this code has no such call
  CtxParams p;
  switch (op.kind) {
    case OpKind::kStart:
      return start(st, op);
    case OpKind::kStop:
      return stop(st, op);
    case OpKind::kPause:
    case OpKind::kResume:
      p = params_of(slot);
      p.pause = op.kind == OpKind::kPause;
      p.fail = false;
      return commit(*st.backend, slot, p, owner_of());
    case OpKind::kCommit:
      p = params_of(slot);
      p.nr_schemes = op.nr_schemes;
      for (int i = 0; i < kMaxSchemes; i++) p.apply_interval_us[i] = op.interval[i] * 5000ul;
      p.wmarks_active = op.wmarks_active;
      p.fail = op.fail;
      return commit(*st.backend, slot, p, owner_of());
    case OpKind::kWalk:
      return walk(st, slot, owner_of());
    case OpKind::kCall:
      // Before 6.17 there is no repeat mode: every caller used one-shot calls.
      if (op.call == CallMode::kOnce || !st.profile->features.repeat)
        return call_once(st, slot, owner_of());
      if (op.call == CallMode::kRepeat) return call_repeat_static(st, client, ci, owner_of());
      return call_repeat_dealloc(st, slot, owner_of());
    case OpKind::kInvalidate:
      st.backend->invalidate_target(slot.ctx.load());
      return 0;
    case OpKind::kRecreate:
      return recreate(st, ci, owner_of());
    case OpKind::kFault: {
      kernel::Faults& f = kernel::World::current().faults;
      (op.fault == FaultKind::kKthreadRun ? f.fail_kthread_run : f.fail_alloc).fetch_add(1);
      return 0;
    }
    case OpKind::kSleep:
      kernel::schedule_timeout_idle_ms_at(op.sleep_ms, RT_SITE("sleep"));
      return 0;
    case OpKind::kIsRunning:
      return st.backend->is_running(slot.ctx.load()) ? 1 : 0;
  }
  return 0;
}

// Under the slot's caller lock, so that teardown never races a client's
// re-create of the same slot.
void stop_all(RunState& st) {
  for (Slot& s : st.slots) {
    mutex_lock(&s.caller_lock);
    Ctx* ctx = s.ctx.load();
    if (ctx && st.backend->is_running(ctx)) st.backend->stop(&ctx, 1);
    mutex_unlock(&s.caller_lock);
  }
}

void final_checks(RunState& st) {
  if (!kernel::World::current().heap_alive("repeat control (dealloc_on_cancel)")) return;
  rt::Finding f;
  f.verdict = rt::Verdict::kLeak;
  f.message = "a dealloc_on_cancel damon_call_control was never freed after every ctx stopped";
  ex().report(std::move(f));
}

}  // namespace program
