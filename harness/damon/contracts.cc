// Caller preconditions: what the kernel-doc (or the callers' own practice) asks of
// a caller of the DAMON API. Breaking one is the caller's bug, not the protocol's,
// so it is reported as rt::Verdict::kCallerContract and the model call returns an
// error without touching shared state. Each precondition lives only here, with
// its citation. The checks read harness shadows (damon_ctx::ever_started,
// running_task, damon_call_control::linked), so they add no scheduling points.
#include <string>

#include "harness/damon/internal.h"

namespace damon {
namespace {

void report_violation(const char* where, std::string message) {
  rt::Execution& e = rt::Execution::current();
  rt::Finding f;
  f.verdict = rt::Verdict::kCallerContract;
  f.message = std::move(message);
  f.tid = e.self();
  f.site = std::string(where) + ":caller contract";
  f.detail = e.stack_of(e.self());
  e.report(std::move(f));
}

bool is_running_shadow(const damon_ctx* ctx) {
  return ctx->running_task.load() != nullptr;
}

}  // namespace

// v7.0.y (C5, e6a053a6f4b5, lore 20260327233319.3528-2): the damon_call() kernel-doc says
// to call it only after damon_start() succeeded; otherwise the request is queued on
// a ctx no kdamond will ever serve and the caller waits forever. SJ called this
// "clearly wrong usage" (lore 20260326135146.90670-1).
bool contract_call_ctx_started(damon_ctx* ctx) {
  if (!profile_of(ctx).call_needs_started || ctx->ever_started.load()) return true;
  report_violation("damon_call",
                   "damon_call() on a ctx never started since damon_new_ctx() (kernel-doc: "
                   "call only after a successful damon_start())");
  return false;
}

// v7.0.y and mm-new (W3, 0ba956a239ba; mm 33c3f6c2b48c): damos_walk()'s kernel-doc says to call it
// only after a successful damon_start(), "otherwise indefinite wait"; walk_control_obsolete starts
// false in damon_new_ctx() in both.
bool contract_walk_ctx_started(damon_ctx* ctx) {
  if (!profile_of(ctx).walk_needs_started || ctx->ever_started.load()) return true;
  report_violation("damos_walk",
                   "damos_walk() on a ctx never started since damon_new_ctx() (kernel-doc: "
                   "call only after a successful damon_start())");
  return false;
}

// Every profile with a list of controls: list_add_tail() of a control whose
// list_head is still linked corrupts the list (CONFIG_DEBUG_LIST reports it). A
// repeat control may be resubmitted only once kdamond is done with it: unlinked,
// and its cancel written (the kdamond writes `canceled` after list_del()), which
// the caller learns when damon_call() returned -ECANCELED or the ctx stopped.
bool contract_call_control_unlinked(damon_call_control* control) {
  if (!control->linked.load()) return true;
  report_violation("damon_call",
                   "damon_call() with a control that is still linked on a call_controls list or "
                   "still being served by the kdamond");
  return false;
}

// damon_destroy_ctx() frees the ctx; the kdamond of a running ctx still uses it.
// Every in-tree caller stops (and checks damon_is_running()) first.
bool contract_destroy_not_running(damon_ctx* ctx) {
  if (!is_running_shadow(ctx)) return true;
  report_violation("damon_destroy_ctx", "damon_destroy_ctx() on a running ctx");
  return false;
}

// damon_commit_ctx() on a running ctx must run in its kdamond (through damon_call(),
// as sysfs commit and the modules' commit_inputs do since 3301f1861d34); only a
// stopped ctx may be committed directly (the modules' apply_parameters() before
// damon_start()). Inferred from the callers; the kernel-doc does not say it.
bool contract_commit_not_running(damon_ctx* ctx) {
  kernel::task_struct* kdamond = ctx->running_task.load();
  if (!kdamond || kdamond == kernel::current_task()) return true;
  report_violation("damon_commit_ctx",
                   "damon_commit_ctx() on a running ctx from outside its kdamond");
  return false;
}

// Only mm-new's damon_call() checks for NULL ("handle NULL ctx parameter in
// damon_call()"); elsewhere a NULL ctx is an oops.
bool contract_ctx_not_null(const damon_ctx* ctx, const char* api) {
  if (ctx) return true;
  report_violation(api, std::string(api) + "() with a NULL ctx");
  return false;
}

}  // namespace damon
