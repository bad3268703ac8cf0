// The schedule of one run, in the form a minimiser can shrink: a list of
// preemptions relative to the default policy. Between preemptions the default
// policy decides (keep running the current thread while it can, then the next
// runnable thread in round-robin order, and fire a sleeper's timer only when no
// thread is runnable). A preemption says: after `delay` more decisions of the
// default policy, run thread `tid` instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rt {

struct Preemption {
  uint32_t delay = 0;  // default-policy decisions to take first
  uint8_t tid = 0;     // thread to switch to
  bool operator==(const Preemption&) const = default;
};

struct Schedule {
  std::vector<Preemption> preemptions;
  bool operator==(const Schedule&) const = default;
};

// "12:1 0:3 4:0" (delay:tid pairs). Empty schedule prints as "".
std::string format_schedule(const Schedule& s);
// Parses format_schedule()'s output. On error returns false and sets *error_col
// (0-based column in `text`) and *error.
bool parse_schedule(std::string_view text, Schedule* out, size_t* error_col, std::string* error);

}  // namespace rt
