// Liveness of one run: the teardown's rhythm and the livelock judge's bound
// (docs/model.md, "Liveness"). The sim runtime declares a livelock when virtual
// time passes for longer than the bound while no client finishes an operation
// (rt::Options::livelock_ns); the bound is the longest wait the program's own
// parameters allow, with a margin, so a legitimately slow run is never one.
#pragma once

#include <cstdint>

#include "harness/program/op.h"
#include "harness/program/profiles.h"
#include "harness/runtime/execution.h"

namespace program {

// The teardown stops every context this many times, this far apart, before
// it waits for the clients for good (executor.cc).
inline constexpr int kTeardownRounds = 8;
inline constexpr uint64_t kTeardownPollMs = 100;
// Kdamond periods a single request may legitimately wait through (a walk
// waits for every scheme's next apply-interval boundary, a call for the next
// kdamond_call() pass, a C6 call for the ctx's stop), with room to spare.
inline constexpr uint64_t kLivelockMargin = 16;

// The longest period, in microseconds, that a client's request can wait
// through on program `p`: the profile's kdamond periods (sample, aggregation,
// watermark check, damon_call()'s poll) and every apply interval the program
// commits.
uint64_t longest_period_us(const Program& p, const ProfileInfo& profile);

// The livelock judge's bound for `p`: the teardown's grace and rounds, the
// longest sleep operation, and kLivelockMargin longest periods for each
// setup operation and for the clients. A run waits longer than this without a
// client's progress only if something keeps it from ever ending.
uint64_t livelock_bound_ns(const Program& p, const ProfileInfo& profile, const rt::Options& o);

}  // namespace program
