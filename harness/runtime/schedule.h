// The schedule of one run, in the form a minimiser can shrink: a list of
// preemptions relative to the default policy. Between preemptions the default
// policy decides (keep running the current thread while it can, then the next
// runnable thread in round-robin order, and fire a sleeper's timer only when no
// thread is runnable). A preemption says: after `delay` more decisions of the
// default policy, run thread `tid` instead.
//
// A schedule can instead be a PCT schedule given in full (Burckhardt et al.,
// ASPLOS'10): thread priorities drawn from `seed`, and the decisions at which the
// running thread drops below every other. This is what fuzzers mutate: a few
// numbers that each move one priority change, where a preemption list needs one
// exact delay per switch. A run of it records the same run as preemptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt {

struct Preemption {
  uint32_t delay = 0;  // default-policy decisions to take first
  uint8_t tid = 0;     // thread to switch to
  bool operator==(const Preemption&) const = default;
};

inline constexpr size_t kMaxPctPoints = 7;      // depth 8
inline constexpr uint32_t kMaxPctPoint = 4096;  // change points are 1..4096

struct PctSchedule {
  uint16_t seed = 0;
  // Decisions (1-based, counting only those with a choice) at which the running
  // thread's priority drops; the PCT depth is points.size() + 1.
  std::vector<uint16_t> points;
  // Count only the decisions at which the running thread is about to acquire
  // ("at=acquire"; Strategy::pick's at_acquire): fewer decisions, so each change point
  // is likelier to land in a narrow window.
  bool acquire_only = false;
  // Each point names a thread and a count: "thread T, at its N-th counted
  // decision as the running thread, drops". Per-thread counts do not move when
  // other threads' operations change, and a window like "just after cpu0's
  // damon_is_running() check" is the same few counts in every program. Text:
  // "T@N"; false whenever there are no points.
  bool per_thread = false;
  bool operator==(const PctSchedule&) const = default;
  // A per-thread point packs T (0..7) and N (1..512) into 1..4096.
  static uint16_t thread_point(int tid, uint32_t n) {
    return static_cast<uint16_t>((tid << 9 | (n - 1)) + 1);
  }
  static int point_tid(uint16_t point) { return (point - 1) >> 9; }
  static uint32_t point_count(uint16_t point) { return ((point - 1) & 511u) + 1; }
};

struct Schedule {
  std::vector<Preemption> preemptions;  // unused when pct is set
  std::optional<PctSchedule> pct;
  bool empty() const { return preemptions.empty() && !pct; }
  bool operator==(const Schedule&) const = default;
};

// "12:1 0:3 4:0" (delay:tid pairs), or "pct seed=4711 points=12,40,97" with an
// optional " at=acquire". Empty schedule prints as "".
std::string format_schedule(const Schedule& s);
// Parses format_schedule()'s output. On error returns false and sets *error_col
// (0-based column in `text`) and *error.
bool parse_schedule(std::string_view text, Schedule* out, size_t* error_col, std::string* error);

}  // namespace rt
