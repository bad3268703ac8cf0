// The profiles a program can run on: every model profile (harness/damon's
// table, in its order), then every registered kernel-tree profile (by name).
// A profile names its backend factory, the operations its code has, and where
// it comes from. Everything above the program layer (CLI, fuzz targets,
// stress, triage) finds profiles here, never in the model's table directly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/program/backend.h"
#include "harness/program/op.h"

namespace damon {
struct Profile;
}

namespace program {

// What the code under test offers. Generators and decoders skip (or map) the
// operations a profile lacks; run_op() returns -EOPNOTSUPP for one that gets
// through anyway.
struct Features {
  static constexpr uint32_t kAllOps = (1u << kNumOpKinds) - 1;
  uint32_t ops = kAllOps;  // bit i: OpKind(i) is supported
  // damon_call_control.repeat and dealloc_on_cancel (6.17+); without them a
  // repeat call is carried out as a one-shot call, as callers did before.
  bool repeat = true;
  // Caller preconditions this version's kernel-doc states.
  bool call_needs_started = false;  // damon_call only after a successful damon_start
  bool walk_needs_started = false;  // damos_walk only after damon_start
  bool has(OpKind k) const { return ops >> static_cast<unsigned>(k) & 1; }
  // Drops every operation whose ops.def row needs `n` (code without it).
  void drop_needing(OpNeeds n) {
    for (const OpSpec& s : kOpSpecs)
      if (s.needs == n) ops &= ~(1u << static_cast<unsigned>(s.kind));
  }
  // "start stop pause ... call(repeat)", for `damon-harness profiles`.
  std::string describe() const;
};

// The periods a profile's kdamond and damon_call() wait in, for the livelock
// judge (liveness.h). The defaults are the attrs both backends build the
// harness's contexts with (5 ms sample, 20 ms aggregation), the inactive
// watermarks' 50 ms check and damon_call()'s 100 ms poll for the ctx's stop
// (C6); the model's rows take the attrs from damon::damon_attrs.
struct KdamondTiming {
  uint64_t sample_us = 5000;
  uint64_t aggr_us = 20000;
  uint64_t wmark_interval_us = 50000;
  uint64_t call_poll_us = 100000;
};

struct ProfileInfo;
// Makes the backend of one execution, bound to `world`, reporting to `oracle`.
// Called outside the execution, before it runs.
using BackendFactory = std::unique_ptr<Backend> (*)(const ProfileInfo& profile,
                                                    kernel::World& world, Oracle& oracle);

struct ProfileInfo {
  std::string name;
  std::string summary;
  std::string source;  // model: the kernel commit/mail it follows; tree: package/version or path
  Features features;
  KdamondTiming timing;
  BackendFactory make_backend = nullptr;
  const damon::Profile* model = nullptr;  // the model's row; nullptr for a tree
  const void* tree = nullptr;             // a tree backend's own description; nullptr for the model
  bool is_tree() const { return model == nullptr; }
};

// Every profile; stable addresses for the process's life. The first call
// freezes the list (registrations come from static initialisers before main).
const std::vector<ProfileInfo>& profiles();
// nullptr if unknown.
const ProfileInfo* find_profile(std::string_view name);
// "v6.14, v6.17, ..." for error messages.
std::string_view profile_names();
// The model table fully expanded, one `name.field = value` line each
// (`damon-harness profiles --fields`).
std::string model_profile_fields_text();

// Adds a tree profile; call from a static initialiser (its object file must be
// linked whole, e.g. an OBJECT library, so the initialiser is kept). Aborts on
// a duplicate name or when profiles() was already called.
bool register_profile(ProfileInfo p);

}  // namespace program
