#include "harness/program/op.h"

#include <bit>
#include <string>

namespace program {
namespace {

void append_ctxs(std::string* out, uint8_t mask) {
  bool first = true;
  for (int i = 0; i < kMaxCtxs; i++) {
    if (!(mask & (1u << i))) continue;
    if (!first) *out += '+';
    *out += "ctx" + std::to_string(i);
    first = false;
  }
}

void append_intervals(std::string* out, const Op& op) {
  if (op.nr_schemes == 0) return;
  *out += " intervals=";
  for (int i = 0; i < op.nr_schemes && i < kMaxSchemes; i++) {
    if (i) *out += ',';
    *out += std::to_string(op.interval[i]);
  }
}

// The canonical text of one argument, with its leading space; nothing for an
// optional one at its default.
void append_arg(std::string* out, const Op& op, Arg arg) {
  switch (arg) {
    case Arg::kCtxs:
      *out += ' ';
      append_ctxs(out, op.ctx_mask);
      return;
    case Arg::kCtx:
      *out += " ctx" + std::to_string(op.ctx());
      return;
    case Arg::kExclusive:
      if (op.exclusive) *out += " exclusive";
      return;
    case Arg::kCallMode:
      if (op.call != CallMode::kOnce)
        *out += op.call == CallMode::kRepeat ? " repeat" : " repeat dealloc";
      return;
    case Arg::kSchemes:
      *out += " schemes=" + std::to_string(op.nr_schemes);
      return;
    case Arg::kIntervals:
      append_intervals(out, op);
      return;
    case Arg::kWmarks:
      *out += op.wmarks_active ? " wmarks=on" : " wmarks=off";
      return;
    case Arg::kFail:
      if (op.fail) *out += " fail";
      return;
    case Arg::kFault:
      *out += op.fault == FaultKind::kAlloc ? " alloc" : " kthread";
      return;
    case Arg::kSleepMs:
      *out += " " + std::to_string(op.sleep_ms);
      return;
  }
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
  return i < kOpSpecs.size() ? kOpSpecs[i].name : "unknown";
}

const OpSpec* find_op_spec(std::string_view name) {
  for (const OpSpec& s : kOpSpecs)
    if (name == s.name) return &s;
  return nullptr;
}

// The output is the canonical text of the op: the text parser reads exactly
// this, and fields the kind does not use are not printed.
std::string format_op(const Op& op) {
  std::string out = op_kind_name(op.kind);
  if (static_cast<size_t>(op.kind) >= kOpSpecs.size()) return out;
  for (const ArgField& f : op_spec(op.kind).args()) append_arg(&out, op, f.arg);
  return out;
}

}  // namespace program
