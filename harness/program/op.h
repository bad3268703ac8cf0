// Operations and programs: what one run executes. A program is a list of
// operations per client thread ("cpu0".."cpu2") plus the schedule the run takes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/program/config.h"
#include "harness/runtime/schedule.h"
#include "harness/runtime/verdict.h"

namespace program {

// The operation kinds, in ops.def's order (which is also their number in
// the byte format).
enum class OpKind : uint8_t {
#define DWH_OP(kind, ...) kind,
#include "harness/program/ops.def"
#undef DWH_OP
};
inline constexpr int kNumOpKinds = 0
#define DWH_OP(...) +1
#include "harness/program/ops.def"
#undef DWH_OP
    ;

// The kinds of argument an operation takes. Each has one text form (op.cc,
// op_parse.cc), one byte decoding (codec.cc), one mutation (mutate.cc) and one
// draw of the stress workload (stress/workload.cc), whatever operation takes it.
// Each row: X(enumerator, name, key, flag, bits)
// name: in docs/formats.md; key: the keyword of a keyed field (`key=value`, in any
// order after the positional arguments), nullptr for a positional argument;
// flag: the keyed field is its key alone; bits: the least width of its byte field.
#define DWH_OP_ARGS(X)                                                                             \
  X(kCtxs, "ctxs", nullptr, false, 2)           /* "ctx0+ctx1"; byte field 0 = all */              \
  X(kCtx, "ctx", nullptr, false, 2)             /* "ctx1"; byte field % kMaxCtxs */                \
  X(kExclusive, "exclusive", nullptr, false, 1) /* the optional word "exclusive" */                \
  X(kCallMode, "call mode", nullptr, false, 2)  /* optional "repeat" ["dealloc"] */                \
  X(kSchemes, "schemes", "schemes", false, 2)   /* 0..kMaxSchemes */                               \
  X(kIntervals, "intervals", "intervals", false, 3 * kMaxSchemes) /* per scheme, 1..8 */           \
  X(kWmarks, "wmarks", "wmarks", false, 1)                        /* "on" | "off" */               \
  X(kFail, "fail", "fail", true, 1)                               /* the commit is made to fail */ \
  X(kFault, "fault", nullptr, false, 1)                           /* "kthread" | "alloc" */        \
  X(kSleepMs, "sleep", nullptr, false, 16)                        /* ms, 1..kMaxSleepMs */

enum class Arg : uint8_t {
#define DWH_ARG_ENUM(e, name, key, flag, bits) e,
  DWH_OP_ARGS(DWH_ARG_ENUM)
#undef DWH_ARG_ENUM
};

struct ArgInfo {
  const char* name;
  const char* key;  // nullptr: positional
  bool flag;
  int bits;
  constexpr bool keyed() const { return key != nullptr; }
};
inline constexpr ArgInfo kArgInfo[] = {
#define DWH_ARG_INFO(e, name, key, flag, bits) {name, key, flag, bits},
    DWH_OP_ARGS(DWH_ARG_INFO)
#undef DWH_ARG_INFO
};
inline constexpr int kNumArgs = sizeof kArgInfo / sizeof kArgInfo[0];
constexpr const ArgInfo& arg_info(Arg a) {
  return kArgInfo[static_cast<size_t>(a)];
}

// What a backend must offer for an operation (Features::drop_needing()).
enum class OpNeeds : uint8_t { kNothing, kCall, kWalk, kPause, kCommitCtx };

// One argument of an operation and where the byte format keeps it: `width`
// bits from bit `shift` of the record word (byte 1 | byte 2 << 8).
struct ArgField {
  Arg arg;
  uint8_t shift;
  uint8_t width;
};

inline constexpr int kMaxOpArgs = 5;

// One row of ops.def.
struct OpSpec {
  OpKind kind;
  const char* name;
  OpNeeds needs;
  uint8_t mutation_weight;
  uint8_t workload_weight;
  ArgField fields[kMaxOpArgs];
  uint8_t nr_fields;

  constexpr std::span<const ArgField> args() const { return {fields, nr_fields}; }
  constexpr bool has(Arg a) const {
    for (const ArgField& f : args())
      if (f.arg == a) return true;
    return false;
  }
  // Bytes of its record in the byte format: 2, or 3 when a field passes bit 7.
  constexpr int record_size() const {
    for (const ArgField& f : args())
      if (f.shift + f.width > 8) return 3;
    return 2;
  }
  // Whether it acts on contexts (counts as a caller of each one it names).
  constexpr bool on_ctx() const { return has(Arg::kCtx) || has(Arg::kCtxs); }
};

namespace op_table {
using enum Arg;
constexpr OpSpec make(OpKind kind, const char* name, OpNeeds needs, uint8_t mutation_weight,
                      uint8_t workload_weight, std::initializer_list<ArgField> fields) {
  OpSpec s{kind, name, needs, mutation_weight, workload_weight, {}, 0};
  for (const ArgField& f : fields) s.fields[s.nr_fields++] = f;
  return s;
}
inline constexpr OpSpec kSpecs[kNumOpKinds] = {
#define DWH_OP(kind, name, needs, mutation_weight, workload_weight, ...) \
  make(OpKind::kind, name, OpNeeds::needs, mutation_weight, workload_weight, {__VA_ARGS__}),
#include "harness/program/ops.def"
#undef DWH_OP
};
}  // namespace op_table

// Every operation, in kind order.
inline constexpr std::span<const OpSpec> kOpSpecs = op_table::kSpecs;
constexpr const OpSpec& op_spec(OpKind k) {
  return kOpSpecs[static_cast<size_t>(k)];
}
// nullptr for an unknown name.
const OpSpec* find_op_spec(std::string_view name);
// "ctxs", "call mode", ...: the argument's name in docs/formats.md.
inline const char* arg_name(Arg arg) {
  return arg_info(arg).name;
}

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
