// The profile table: every version difference the model knows, one row per
// kernel version or patch. Adding a profile is adding a row here (and, if the
// version has a new form of some function, that form in the function's file).
// Sources: spec §0.1 and the sections it points to; each row cites the tree or
// mail it was read from.
#include <string>

#include "harness/damon/profile.h"

namespace damon {
namespace {

using C = CallForm;
using K = KdamondCallForm;
using W = WalkForm;
using X = ExitOrder;

// Never destroyed: the os runtime abandons the threads of a hung run, and they
// may still read their profile while the process exits.
// clang-format off
const std::vector<Profile>& kProfiles = *new std::vector<Profile>{
  {.name = "v6.14",
   .kernel_ref = "42b7491af14c mm/damon/core: introduce damon_call(); "
                 "bf0eaba0ff9c mm/damon/core: implement damos_walk()",
   .summary = "first damon_call/damos_walk: one call slot, walk pointer left set when "
              "not running, calls canceled under watermark deactivation",
   .call = C::kC1, .kcall = K::kK1, .walk = W::kW1, .exit_order = X::kResetFirst,
   .kdamond_call_before_sleep = true, .wait_activation_cancels_calls = true,
   .walk_completed_check_and_reset = false, .walk_lock_across_apply = false,
   .maybe_corrupted = false, .obsolete_flags = false, .call_obsolete_in_new_ctx = false,
   .pause_loop = false, .atomic_walk_cancel = false, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = false,
   .commit_validates = false, .call_needs_started = false, .walk_needs_started = false},
  {.name = "v6.17",
   .kernel_ref = "torvalds/linux 004ded6bee11 mm/damon: accept parallel damon_call() "
                 "requests (+ repeat mode, dealloc_on_cancel)",
   .summary = "parallel damon_call with the swapped list_add_tail; repeat controls",
   .call = C::kC2, .kcall = K::kK3, .walk = W::kW1, .exit_order = X::kResetFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = false, .obsolete_flags = false, .call_obsolete_in_new_ctx = false,
   .pause_loop = false, .atomic_walk_cancel = false, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = true,
   .commit_validates = false, .call_needs_started = false, .walk_needs_started = false},
  {.name = "v6.19",
   .kernel_ref = "f9132fbc2e83 mm/damon/core: remove call_control in inactive contexts "
                 "(+ fix list_add_tail() call on damon_call())",
   .summary = "damon_call_handle_inactive_ctx; kdamond_call(cancel) before kdamond reset",
   .call = C::kC4, .kcall = K::kK3, .walk = W::kW1, .exit_order = X::kCallFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = false, .obsolete_flags = false, .call_obsolete_in_new_ctx = false,
   .pause_loop = false, .atomic_walk_cancel = false, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = true,
   .commit_validates = false, .call_needs_started = false, .walk_needs_started = false},
  {.name = "v7.0-rc",
   .kernel_ref = "damonitor/linux 00d8a9224ac6 (Mar 22 2026): ebc4734ad221 local list, "
                 "d210fdcac9c0 damos_walk self-clear, 26f775a054c3 maybe_corrupted",
   .summary = "local-list kdamond_call, damos_walk clears its own pointer, "
              "cancel before kdamond reset, maybe_corrupted",
   .call = C::kC4, .kcall = K::kK4, .walk = W::kW2, .exit_order = X::kCancelFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = true, .obsolete_flags = false, .call_obsolete_in_new_ctx = false,
   .pause_loop = false, .atomic_walk_cancel = false, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = true,
   .commit_validates = false, .call_needs_started = false, .walk_needs_started = false},
  {.name = "pause-rfc",
   .kernel_ref = "RFC v4 lore 20260322155728.81434-1 mm/damon/core: "
                 "introduce damon_ctx->paused (on v7.0-rc)",
   .summary = "v7.0-rc plus the pause loop that cancels walks every sample interval",
   .call = C::kC4, .kcall = K::kK4, .walk = W::kW2, .exit_order = X::kCancelFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = true, .obsolete_flags = false, .call_obsolete_in_new_ctx = false,
   .pause_loop = true, .atomic_walk_cancel = false, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = true,
   .commit_validates = false, .call_needs_started = false, .walk_needs_started = false},
  {.name = "pause-rfc-fix",
   .kernel_ref = "pause-rfc + damos_walk_cancel under one hold of walk_control_lock "
                 "(the fix SJ proposed in the review thread; no upstream patch found)",
   .summary = "pause-rfc with an atomic damos_walk_cancel",
   .call = C::kC4, .kcall = K::kK4, .walk = W::kW2, .exit_order = X::kCancelFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = true, .obsolete_flags = false, .call_obsolete_in_new_ctx = false,
   .pause_loop = true, .atomic_walk_cancel = true, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = true,
   .commit_validates = false, .call_needs_started = false, .walk_needs_started = false},
  {.name = "v7.0",
   .kernel_ref = "sj/linux 03fc51636849: lore 20260327233319.3528-2 damon_call() "
                 "vs kdamond_fn() exit race, 33c3f6c2b48c damos_walk() vs kdamond_fn() exit race",
   .summary = "obsolete flags: damon_call/damos_walk fail with -ECANCELED once the "
              "kdamond is exiting; no running checks",
   .call = C::kC5, .kcall = K::kK4, .walk = W::kW3, .exit_order = X::kCancelFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = true, .obsolete_flags = true, .call_obsolete_in_new_ctx = false,
   .pause_loop = false, .atomic_walk_cancel = false, .stop_returns_void = false,
   .start_validates = false, .start_rollback = false, .has_repeat = true,
   .commit_validates = false, .call_needs_started = true, .walk_needs_started = true},
  {.name = "mm-new",
   .kernel_ref = "mm/linux 43ecc9c405ba (mid-2026): pause v2 lore 20260427151231.113429-1, "
                 "damon_stop() void, damon_call() waits for stop, obsolete in damon_new_ctx()",
   .summary = "pause loop; damon_call waits for the ctx to stop before failing; "
              "damon_start validates and rolls back; damon_stop cannot fail",
   .call = C::kC6, .kcall = K::kK4, .walk = W::kW3, .exit_order = X::kCancelFirst,
   .kdamond_call_before_sleep = false, .wait_activation_cancels_calls = false,
   .walk_completed_check_and_reset = true, .walk_lock_across_apply = true,
   .maybe_corrupted = true, .obsolete_flags = true, .call_obsolete_in_new_ctx = true,
   .pause_loop = true, .atomic_walk_cancel = false, .stop_returns_void = true,
   .start_validates = true, .start_rollback = true, .has_repeat = true,
   .commit_validates = true, .call_needs_started = false, .walk_needs_started = true},
};
// clang-format on

std::string join_names() {
  std::string names;
  for (const Profile& p : kProfiles) {
    if (!names.empty()) names += ", ";
    names += p.name;
  }
  return names;
}

}  // namespace

const std::vector<Profile>& profiles() {
  return kProfiles;
}

const Profile* find_profile(std::string_view name) {
  for (const Profile& p : kProfiles)
    if (p.name == name) return &p;
  return nullptr;
}

std::string_view profile_names() {
  static const std::string names = join_names();
  return names;
}

}  // namespace damon
