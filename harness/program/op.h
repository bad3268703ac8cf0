// Operations and programs: what one run executes. A program is a list of
// operations per client thread ("cpu0".."cpu2") plus the schedule the run takes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/program/config.h"
#include "harness/runtime/schedule.h"
#include "harness/runtime/verdict.h"

namespace program {

enum class OpKind : uint8_t {
  kStart,       // damon_start(ctxs, n, exclusive)
  kStop,        // damon_stop(ctxs, n)
  kPause,       // commit pause=on (through damon_call while running, directly while stopped)
  kResume,      // commit pause=off
  kWalk,        // damos_walk with a caller-owned (stack) control
  kCall,        // damon_call; see CallMode
  kCommit,      // commit schemes / apply intervals / watermarks; may be made to fail
  kInvalidate,  // the monitored process exits: the kdamond stops by itself
  kRecreate,    // sysfs "on": -EBUSY while running, else damon_destroy_ctx + damon_new_ctx
  kFault,       // arm fault injection; see FaultKind
  kSleep,       // advance (virtual) time
  kIsRunning,   // damon_is_running
};
inline constexpr int kNumOpKinds = 12;

enum class CallMode : uint8_t {
  kOnce,           // stack control, one-shot
  kRepeat,         // module-style static repeat control, reused across calls
  kRepeatDealloc,  // sysfs-style kmalloc'd repeat control with dealloc_on_cancel
};
enum class FaultKind : uint8_t { kKthreadRun, kAlloc };

struct Op {
  OpKind kind = OpKind::kIsRunning;
  uint8_t ctx_mask = 1;    // start/stop: bit i = ctx i (never 0); others: one bit
  bool exclusive = false;  // start
  CallMode call = CallMode::kOnce;
  // commit
  uint8_t nr_schemes = 1;                     // 0..kMaxSchemes
  uint8_t interval[kMaxSchemes] = {1, 2, 3};  // apply interval in samples, 1..8
  bool wmarks_active = true;
  bool fail = false;
  FaultKind fault = FaultKind::kKthreadRun;
  uint16_t sleep_ms = 10;  // sleep, 1..kMaxSleepMs
  bool operator==(const Op&) const = default;
  int ctx() const;  // lowest ctx in ctx_mask
};

// An expectation line: "# expect <profile>: <verdict>".
struct Expect {
  std::string profile;
  rt::Verdict verdict = rt::Verdict::kOk;
  bool operator==(const Expect&) const = default;
};

struct Program {
  // Run in order, to completion, on the setup thread before any client starts
  // (a precondition such as "the context is stopped"); at most kMaxSetupOps.
  std::vector<Op> setup;
  std::vector<Op> ops[kMaxClients];  // per client
  rt::Schedule schedule;             // empty: default policy (or the strategy's own)
  std::vector<Expect> expects;
  std::vector<std::string> comments;  // header comments, kept by the text format
  int nr_clients() const;             // highest client with ops + 1 (at least 1)
  size_t nr_ops() const;              // client ops; the setup block is not counted
  bool operator==(const Program& o) const {
    if (setup != o.setup) return false;
    for (int i = 0; i < kMaxClients; i++)
      if (ops[i] != o.ops[i]) return false;
    return schedule == o.schedule;
  }
};

// "walk ctx0", "start ctx0+ctx1 exclusive", "commit ctx1 schemes=2 intervals=1,4 wmarks=off fail"
std::string format_op(const Op& op);
const char* op_kind_name(OpKind k);

}  // namespace program
