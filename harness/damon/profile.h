// A profile is one kernel version (or patch) of the DAMON control plane: a row of
// small named choices, gathered in profiles.cc. Model functions branch on these
// choices, never on version numbers.
#pragma once

#include <string_view>
#include <vector>

namespace damon {

// damon_call() caller side (spec §4.1).
enum class CallForm : unsigned char {
  kC1,  // 6.14: one slot, -EBUSY, leaves the slot set when not running
  kC2,  // 6.17: list, repeat, dealloc_on_cancel, list_add_tail arguments swapped
  kC3,  // C2 with the list_add_tail fix
  kC4,  // damon_call_handle_inactive_ctx
  kC5,  // 7.0: call_controls_obsolete -> -ECANCELED, no running check
  kC6,  // mm-new: NULL ctx check, waits for the ctx to stop before -ECANCELED
};
// kdamond_call() (spec §4.3).
enum class KdamondCallForm : unsigned char {
  kK1,  // single slot
  kK3,  // list, repeat controls re-queued one per pass
  kK4,  // splice to a local list; maybe_corrupted break
};
// damos_walk() caller side (spec §3.1).
enum class WalkForm : unsigned char {
  kW1,  // leaves the pointer installed when not running
  kW2,  // clears its own pointer when not running
  kW3,  // walk_control_obsolete -> -ECANCELED, no running check
};
// Exit path after the main loop (spec §2.6).
enum class ExitOrder : unsigned char {
  kResetFirst,   // 6.14/6.17: kdamond=NULL, kdamond_call(cancel), damos_walk_cancel, nr--
  kCallFirst,    // 6.19: kdamond_call(cancel), kdamond=NULL, damos_walk_cancel, nr--
  kCancelFirst,  // 7.0: kdamond_call(cancel), damos_walk_cancel, kdamond=NULL, nr--
};

struct Profile {
  std::string_view name;
  std::string_view kernel_ref;  // commit or mail the row follows
  std::string_view summary;
  CallForm call;
  KdamondCallForm kcall;
  WalkForm walk;
  ExitOrder exit_order;
  bool kdamond_call_before_sleep;      // 6.14: kdamond_call right after prepare_access_checks
  bool wait_activation_cancels_calls;  // 6.14: kdamond_wait_activation does kdamond_call(ctx, true)
  bool walk_completed_check_and_reset;  // 6.15+: skip walk_fn if completed; reset flags on
                                        // completion
  bool walk_lock_across_apply;    // 6.17+: walk_control_lock held across kdamond_apply_schemes
  bool maybe_corrupted;           // 7.0-rc fix 26f775a054c3
  bool obsolete_flags;            // 7.0: call/walk_control_obsolete
  bool call_obsolete_in_new_ctx;  // mm-new: damon_new_ctx sets call_controls_obsolete
  bool pause_loop;                // RFC v4 pause loop in kdamond_fn
  bool atomic_walk_cancel;        // damos_walk_cancel under one hold of walk_control_lock
  bool stop_returns_void;         // mm-new: damon_stop cannot fail
  bool start_validates;           // mm-new: damon_start commits into a test ctx first
  bool start_rollback;            // mm-new: damon_start stops what it started on failure
  bool has_repeat;                // 6.17+: damon_call_control.repeat / dealloc_on_cancel
  bool commit_validates;          // mm-new: damon_commit_ctx commits into a test ctx first
  // Caller preconditions the kernel-doc of this version states (see contracts.cc).
  bool call_needs_started;  // 7.0: damon_call only after a successful damon_start
  bool walk_needs_started;  // 7.0, mm-new: damos_walk only after damon_start
};

const std::vector<Profile>& profiles();
// nullptr if unknown.
const Profile* find_profile(std::string_view name);
// "v6.14, v6.17, ..." for error messages.
std::string_view profile_names();

}  // namespace damon
