// A profile is one kernel version (or patch) of the DAMON control plane: a row of
// small named choices, gathered in profiles.cc. Model functions branch on these
// choices, never on version numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace damon {

// damon_call() caller side.
enum class CallForm : unsigned char {
  kC1,  // 6.14: one slot, -EBUSY, leaves the slot set when not running
  kC2,  // 6.17: list, repeat, dealloc_on_cancel, list_add_tail arguments swapped
  kC3,  // C2 with the list_add_tail fix
  kC4,  // damon_call_handle_inactive_ctx
  kC5,  // 7.0.y: call_controls_obsolete -> -ECANCELED, no running check
  kC6,  // mm-new: NULL ctx check, waits for the ctx to stop before -ECANCELED
};
// kdamond_call().
enum class KdamondCallForm : unsigned char {
  kK1,  // single slot
  kK3,  // list, repeat controls re-queued one per pass
  kK4,  // splice to a local list; maybe_corrupted break
};
// damos_walk() caller side.
enum class WalkForm : unsigned char {
  kW1,  // leaves the pointer installed when not running
  kW2,  // clears its own pointer when not running
  kW3,  // walk_control_obsolete -> -ECANCELED, no running check
};
// kdamond_fn()'s exit path after the main loop.
enum class ExitOrder : unsigned char {
  kResetFirst,   // 6.14/6.17: kdamond=NULL, kdamond_call(cancel), damos_walk_cancel, nr--
  kCallFirst,    // 6.19: kdamond_call(cancel), kdamond=NULL, damos_walk_cancel, nr--
  kCancelFirst,  // 7.0: kdamond_call(cancel), damos_walk_cancel, kdamond=NULL, nr--
};

struct Profile {
  std::string_view name;
  std::string_view base;        // the row this one starts from; empty for the root
  std::string_view kernel_ref;  // commit or mail the row follows
  std::string_view summary;
#define DWH_PROFILE_FIELD(type, field, what) type field{};
#include "harness/damon/profile_fields.def"
#undef DWH_PROFILE_FIELD
};

const std::vector<Profile>& profiles();
// nullptr if unknown.
const Profile* find_profile(std::string_view name);
// "v6.14, v6.17, ..." for error messages.
std::string_view profile_names();
// Every field of every row, one `name.field = value` line each, in table order: the
// fully expanded table that `damon-harness profiles --fields` prints.
std::string profile_fields_text();

}  // namespace damon
