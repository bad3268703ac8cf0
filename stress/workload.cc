#include "stress/workload.h"

#include <fmt/format.h>

namespace stress {
namespace {

using program::Op;
using program::OpKind;

bool parse_unsigned(std::string_view s, unsigned* out) {
  if (s.empty() || s.size() > 6) return false;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

int kind_index(std::string_view name) {
  const program::OpSpec* spec = program::find_op_spec(name);
  return spec ? static_cast<int>(spec->kind) : -1;
}

OpKind pick_kind(program::Rng& rng, const OpMix& mix) {
  uint64_t r = rng.below(mix.total());
  for (int k = 0; k < program::kNumOpKinds; k++) {
    if (r < mix.weight[k]) return static_cast<OpKind>(k);
    r -= mix.weight[k];
  }
  return OpKind::kIsRunning;
}

// What one client has done so far, for the start-before-use rule.
struct ClientView {
  uint8_t started = 0;  // ctx mask this client has started (and not recreated since)
};

bool needs_start(const WorkloadConfig& cfg, OpKind k) {
  const program::ProfileInfo& p = *cfg.profile;
  return (k == OpKind::kCall && (p.features.call_needs_started || cfg.start_before_use)) ||
         (k == OpKind::kWalk && (p.features.walk_needs_started || cfg.start_before_use));
}

uint8_t random_mask(program::Rng& rng, int contexts) {
  const unsigned all = (1u << contexts) - 1;
  return static_cast<uint8_t>(1 + rng.below(all));
}

// Draws one argument of `op`; false if the op cannot be made here (a call or
// a walk before this client started any ctx, where the profile wants that).
bool draw_arg(program::Arg arg, program::Rng& rng, const WorkloadConfig& cfg, ClientView* v,
              Op* op) {
  using program::Arg;
  switch (arg) {
    case Arg::kCtxs:
      op->ctx_mask = random_mask(rng, cfg.contexts);
      return true;
    case Arg::kCtx: {
      int ctx = static_cast<int>(rng.below(cfg.contexts));
      if (needs_start(cfg, op->kind)) {
        if (!v->started) return false;
        while (!(v->started >> ctx & 1)) ctx = (ctx + 1) % cfg.contexts;
      }
      op->ctx_mask = static_cast<uint8_t>(1u << ctx);
      return true;
    }
    case Arg::kExclusive:
      op->exclusive = rng.below(4) == 0;
      return true;
    case Arg::kCallMode:
      op->call = static_cast<program::CallMode>(cfg.profile->features.repeat ? rng.below(3) : 0);
      return true;
    case Arg::kSchemes:
      op->nr_schemes = static_cast<uint8_t>(rng.below(program::kMaxSchemes + 1));
      return true;
    case Arg::kIntervals:
      // Every slot is drawn, so the stream does not depend on schemes=; those
      // past it go back to their defaults (the canonical op).
      for (int i = 0; i < program::kMaxSchemes; i++) {
        const auto drawn = static_cast<uint8_t>(1 + rng.below(program::kMaxIntervalSamples));
        op->interval[i] = i < op->nr_schemes ? drawn : Op{}.interval[i];
      }
      return true;
    case Arg::kWmarks:
      op->wmarks_active = rng.below(4) != 0;
      return true;
    case Arg::kFail:
      op->fail = rng.below(8) == 0;
      return true;
    case Arg::kFault:
      op->fault = rng.below(2) ? program::FaultKind::kAlloc : program::FaultKind::kKthreadRun;
      return true;
    case Arg::kSleepMs:
      op->sleep_ms = static_cast<uint16_t>(1 + rng.below(cfg.max_sleep_ms));
      return true;
  }
  return true;
}

// Draws the arguments of `kind` (ops.def's row); returns false if the op
// cannot be made here.
bool fill_op(program::Rng& rng, const WorkloadConfig& cfg, ClientView* v, Op* op) {
  for (const program::ArgField& f : program::op_spec(op->kind).args())
    if (!draw_arg(f.arg, rng, cfg, v, op)) return false;
  if (op->kind == OpKind::kStart) v->started |= op->ctx_mask;
  if (op->kind == OpKind::kRecreate) v->started &= static_cast<uint8_t>(~op->ctx_mask);
  return true;
}

}  // namespace

unsigned OpMix::total() const {
  unsigned t = 0;
  for (unsigned w : weight) t += w;
  return t;
}

bool parse_mix(std::string_view text, OpMix* out, std::string* err) {
  OpMix mix;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.find('=');
    const int k = kind_index(item.substr(0, eq));
    unsigned w = 0;
    if (eq == std::string_view::npos || k < 0 || !parse_unsigned(item.substr(eq + 1), &w)) {
      *err = fmt::format("bad mix item '{}' (want KIND=WEIGHT, KIND one of the op names)", item);
      return false;
    }
    mix.weight[k] = w;
  }
  if (mix.total() == 0) {
    *err = "every weight of the mix is 0";
    return false;
  }
  *out = mix;
  return true;
}

std::string default_mix_text() {
  OpMix mix;
  for (const program::OpSpec& s : program::kOpSpecs)
    mix.weight[static_cast<size_t>(s.kind)] = s.workload_weight;
  return format_mix(mix);
}

std::string format_mix(const OpMix& mix) {
  std::string out;
  for (int k = 0; k < program::kNumOpKinds; k++) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}={}", program::op_kind_name(static_cast<OpKind>(k)), mix.weight[k]);
  }
  return out;
}

program::Program generate_program(program::Rng& rng, const WorkloadConfig& cfg) {
  program::Program p;
  for (int c = 0; c < cfg.clients; c++) {
    ClientView view;
    const int len =
        cfg.exact_length ? cfg.ops_per_client : 1 + static_cast<int>(rng.below(cfg.ops_per_client));
    int attempts = 0;
    while (static_cast<int>(p.ops[c].size()) < len && attempts++ < 8 * len) {
      Op op;
      op.kind = pick_kind(rng, cfg.mix);
      if (!fill_op(rng, cfg, &view, &op)) continue;
      if (op.kind == OpKind::kRecreate) {
        // damon_destroy_ctx() needs a stopped ctx with no call in flight: stop it
        // first, and leave recreation to single-client workloads.
        if (cfg.clients > 1 || static_cast<int>(p.ops[c].size()) + 2 > len) continue;
        Op stop;
        stop.kind = OpKind::kStop;
        stop.ctx_mask = op.ctx_mask;
        p.ops[c].push_back(stop);
      }
      p.ops[c].push_back(op);
    }
  }
  return p;
}

}  // namespace stress
