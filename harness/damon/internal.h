// Private to the model: helpers shared by the harness/damon/*.cc files, the
// caller preconditions (contracts.cc) and the request-reference annotations the
// lost-wakeup detector needs. Nothing here is kernel API.
#pragma once

#include "harness/damon/damon.h"

namespace damon {

// ---- the profile and observer of a ctx ----
// Both come from the execution's one damon_core, not through ctx: which kernel
// version runs is no memory access, and an exiting kdamond asks after the ctx
// may already be freed (v6.14..v6.17's reset-first exit), where reading
// ctx->core would be a use after free of the harness's own making. The
// model's next declared access to the ctx reports the real one.
inline const Profile& profile_of(const damon_ctx*) {
  return *damon_core_current().profile;
}
inline Observer* observer_of(const damon_ctx*) {
  return damon_core_current().observer;
}

// ---- request references ----
// A thread that keeps a request in a local variable across a scheduling point
// holds a reference to it, as a list or a pointer slot does (kernel::RefPtr,
// kernel::List). request_get() before the first unlock, request_put() once the
// thread no longer needs it (after complete(), before kfree()). A request that
// already died is not touched (its memory may be gone); the next declared access
// to it reports the use after free.
template <class T>
void request_get(T* req) {
  if (kernel::World::current().alive(req)) rt::Execution::current().event_ref(req->reach_event());
}
template <class T>
void request_put(T* req, const rt::Site* site) {
  if (kernel::World::current().alive(req))
    rt::Execution::current().event_unref(req->reach_event(), site);
}

// ---- caller preconditions (contracts.cc); each reports rt::Verdict::kCallerContract
// and returns false when violated ----
bool contract_call_ctx_started(damon_ctx* ctx);
bool contract_walk_ctx_started(damon_ctx* ctx);
bool contract_call_control_unlinked(damon_call_control* control);
bool contract_destroy_not_running(damon_ctx* ctx);
bool contract_commit_not_running(damon_ctx* ctx);
bool contract_ctx_not_null(const damon_ctx* ctx, const char* api);

// ---- bookkeeping of harness shadows (not scheduling points) ----
// The shadow says the kdamond may still touch the control: it is set when the
// control is queued and cleared only after the kdamond's last access to it, so
// that queueing it again before then is a caller-contract violation (the
// modules reuse their static repeat control only after the ctx stopped).
// A control left linked after its caller returned (F1) is dead: its shadow is
// gone with it, and touching it here would be the harness's own use after free.
inline void mark_linked(damon_call_control* c, bool linked) {
  if (kernel::World::current().alive(c)) c->linked.store(linked);
}

// ---- model helpers shared across files ----
damos* damon_new_scheme(damon_core* core, unsigned long apply_interval_us, bool wmarks_active);
void damon_destroy_scheme(damos* s);
// The abstract damon_set_regions(): kNrRegions fixed regions.
void damon_init_target_regions(damon_target* t);
void damon_destroy_targets(damon_ctx* ctx);
int __damon_commit_ctx(damon_ctx* dst, damon_ctx* src, bool src_fail_applies);
int damon_commit_into_test_ctx(damon_ctx* src);
void kdamond_init_ctx(damon_ctx* ctx);
// Samples per apply interval of s (at least 1).
unsigned long damos_apply_interval_sis(const damon_ctx* ctx, const damos* s);

}  // namespace damon

// Replace a kernel::RefPtr field of a tracked object: one scheduling point (with
// the lifetime check of obj), then the slot changes; dropping the old referent
// may raise a lost wakeup at the same site.
#define SET_REF(obj, field, value, label)                                                   \
  do {                                                                                      \
    const ::rt::Site* set_ref_site_ = RT_SITE(label);                                       \
    if (::kernel::touch_at((obj), set_ref_site_)) (obj)->field.set((value), set_ref_site_); \
  } while (0)
