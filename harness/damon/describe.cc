// The protocol state in words, for the os watchdog's hang reports: what a DAMON
// developer would look at first when callers hang (who owns the kdamond, which
// requests are installed, which flags are set).
#include "harness/damon/internal.h"

namespace damon {
namespace {

const char* yes_no(bool b) {
  return b ? "1" : "0";
}

// A request installed in a slot: whether it is there and, if its memory is
// still the request's, whether it was canceled.
template <class T>
std::string request_state(kernel::World& w, const T* c) {
  if (!c) return "none";
  if (!w.alive(c)) return "set (dead request)";
  return c->canceled ? "set (canceled)" : "set";
}

std::string kdamond_state(kernel::World& w, const kernel::task_struct* t) {
  if (!t) return "none";
  if (!w.alive(t)) return "dead task";
  return t->comm + (t->should_stop.load(std::memory_order_relaxed) ? " (should_stop)" : "");
}

}  // namespace

std::string damon_describe_core(kernel::World& w, const damon_core* core) {
  if (!core || !w.alive(core)) return "damon_core: none";
  return "damon_core: nr_running_ctxs=" + std::to_string(core->nr_running_ctxs) +
         " running_exclusive_ctxs=" + yes_no(core->running_exclusive_ctxs);
}

std::string damon_describe_ctx(kernel::World& w, const damon_ctx* ctx) {
  if (!ctx) return "no ctx";
  if (!w.alive(ctx)) return "dead ctx";
  std::string out = "kdamond=" + kdamond_state(w, ctx->kdamond);
  out += std::string(" walk_control=") + request_state(w, ctx->walk_control.get());
  out += " call_controls=" + std::to_string(ctx->call_controls.size()) + " queued";
  out += std::string(" call_control=") + request_state(w, ctx->call_control.get());
  out += std::string(" pause=") + yes_no(ctx->pause);
  out += std::string(" walk_control_obsolete=") + yes_no(ctx->walk_control_obsolete);
  out += std::string(" call_controls_obsolete=") + yes_no(ctx->call_controls_obsolete);
  out += std::string(" maybe_corrupted=") + yes_no(ctx->maybe_corrupted);
  out += std::string(" target_valid=") + yes_no(ctx->target_valid.load(std::memory_order_relaxed));
  out += " passed_sample_intervals=" + std::to_string(ctx->passed_sample_intervals);
  return out;
}

}  // namespace damon
