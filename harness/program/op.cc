#include "harness/program/op.h"

#include <bit>
#include <string>

namespace program {
namespace {

constexpr const char* kOpKindNames[kNumOpKinds] = {
    "start",  "stop",       "pause",    "resume", "walk",  "call",
    "commit", "invalidate", "recreate", "fault",  "sleep", "is_running",
};

void append_ctxs(std::string* out, uint8_t mask) {
  bool first = true;
  for (int i = 0; i < kMaxCtxs; i++) {
    if (!(mask & (1u << i))) continue;
    if (!first) *out += '+';
    *out += "ctx" + std::to_string(i);
    first = false;
  }
}

void append_commit(std::string* out, const Op& op) {
  *out += " schemes=" + std::to_string(op.nr_schemes);
  if (op.nr_schemes > 0) {
    *out += " intervals=";
    for (int i = 0; i < op.nr_schemes && i < kMaxSchemes; i++) {
      if (i) *out += ',';
      *out += std::to_string(op.interval[i]);
    }
  }
  *out += op.wmarks_active ? " wmarks=on" : " wmarks=off";
  if (op.fail) *out += " fail";
}

}  // namespace

int Op::ctx() const {
  return ctx_mask ? std::countr_zero(ctx_mask) : 0;
}

int Program::nr_clients() const {
  for (int i = kMaxClients - 1; i > 0; i--)
    if (!ops[i].empty()) return i + 1;
  return 1;
}

size_t Program::nr_ops() const {
  size_t n = 0;
  for (const auto& client : ops) n += client.size();
  return n;
}

const char* op_kind_name(OpKind k) {
  const auto i = static_cast<size_t>(k);
  return i < kNumOpKinds ? kOpKindNames[i] : "unknown";
}

// The output is the canonical text of the op: the text parser reads exactly
// this, and fields the kind does not use are not printed.
std::string format_op(const Op& op) {
  std::string out = op_kind_name(op.kind);
  switch (op.kind) {
    case OpKind::kFault:
      out += op.fault == FaultKind::kAlloc ? " alloc" : " kthread";
      return out;
    case OpKind::kSleep:
      out += " " + std::to_string(op.sleep_ms);
      return out;
    case OpKind::kStart:
    case OpKind::kStop:
      out += ' ';
      append_ctxs(&out, op.ctx_mask);
      if (op.kind == OpKind::kStart && op.exclusive) out += " exclusive";
      return out;
    default:
      break;
  }
  out += " ctx" + std::to_string(op.ctx());
  if (op.kind == OpKind::kCall && op.call != CallMode::kOnce)
    out += op.call == CallMode::kRepeat ? " repeat" : " repeat dealloc";
  if (op.kind == OpKind::kCommit) append_commit(&out, op);
  return out;
}

}  // namespace program
