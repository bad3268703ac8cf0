#include "harness/program/mutate.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "harness/program/codec.h"

namespace program {
namespace {

constexpr uint8_t kAllCtxs = (1u << kMaxCtxs) - 1;

// Small delays and sleeps matter most: they decide which of two nearby steps
// races; large ones are still reachable.
uint32_t random_delay(Rng& rng) {
  return rng.one_in(8) ? rng.below(kMaxEncodedDelay + 1) : rng.below(16);
}

// PCT change points: most runs take a few hundred decisions with a choice, a
// third of them at acquires, so points past that are mostly void (a lower
// depth). A per-thread point names a client (0..2) or a kdamond (4..7; 3 is
// the setup thread) and a count within that thread, which is small.
uint16_t random_point(Rng& rng, const rt::PctSchedule& pct) {
  if (pct.per_thread) {
    const int tid = static_cast<int>(rng.below(8));
    const uint32_t usual = pct.acquire_only ? 24 : 64;
    const uint32_t n = rng.one_in(8) ? rng.below(512) + 1 : rng.below(usual) + 1;
    return rt::PctSchedule::thread_point(tid, n);
  }
  const uint32_t usual = pct.acquire_only ? 100 : 300;
  return static_cast<uint16_t>(rng.one_in(8) ? rng.below(rt::kMaxPctPoint) + 1
                                             : rng.below(usual) + 1);
}

rt::PctSchedule random_pct(Rng& rng) {
  rt::PctSchedule pct;
  pct.seed = static_cast<uint16_t>(rng.next());
  const uint32_t n = 1 + rng.below(4);  // depth 2..5
  pct.acquire_only = rng.one_in(2);
  pct.per_thread = rng.one_in(2);
  for (uint32_t i = 0; i < n; i++) pct.points.push_back(random_point(rng, pct));
  return pct;
}

// Long sleeps are rare: every virtual millisecond of one is kdamond loop
// iterations that the run must execute.
uint16_t random_sleep(Rng& rng) {
  return static_cast<uint16_t>(rng.one_in(16) ? rng.below(kMaxSleepMs) + 1 : rng.below(20) + 1);
}

// The arguments an op takes, in its row's order; kIntervals counts once per
// scheme, so that each interval is as likely to change as any other field.
std::vector<Arg> args_of(const Op& op) {
  std::vector<Arg> args;
  for (const ArgField& f : op_spec(op.kind).args())
    args.insert(args.end(), f.arg == Arg::kIntervals ? op.nr_schemes : 1, f.arg);
  return args;
}

// Sets one argument to a random value. Scheme intervals past nr_schemes go back
// to their defaults so the op stays canonical (text and bytes round-trip it).
void randomize_arg(Op* op, Arg arg, Rng& rng) {
  switch (arg) {
    case Arg::kCtx:
      op->ctx_mask = static_cast<uint8_t>(1u << rng.below(kMaxCtxs));
      break;
    case Arg::kCtxs:
      op->ctx_mask = static_cast<uint8_t>(rng.below(kAllCtxs) + 1);
      break;
    case Arg::kExclusive:
      op->exclusive = !op->exclusive;
      break;
    case Arg::kCallMode:
      op->call = static_cast<CallMode>(rng.below(3));
      break;
    case Arg::kSchemes:
      op->nr_schemes = static_cast<uint8_t>(rng.below(kMaxSchemes + 1));
      for (int i = op->nr_schemes; i < kMaxSchemes; i++) op->interval[i] = Op{}.interval[i];
      break;
    case Arg::kIntervals:
      if (op->nr_schemes)
        op->interval[rng.below(op->nr_schemes)] =
            static_cast<uint8_t>(rng.below(kMaxIntervalSamples) + 1);
      break;
    case Arg::kWmarks:
      op->wmarks_active = !op->wmarks_active;
      break;
    case Arg::kFail:
      op->fail = !op->fail;
      break;
    case Arg::kFault:
      op->fault = op->fault == FaultKind::kAlloc ? FaultKind::kKthreadRun : FaultKind::kAlloc;
      break;
    case Arg::kSleepMs:
      op->sleep_ms = random_sleep(rng);
      break;
  }
}

// A kind drawn by ops.def's mutation weights.
OpKind random_kind(Rng& rng) {
  static constexpr uint32_t kTotal = [] {
    uint32_t t = 0;
    for (const OpSpec& s : kOpSpecs) t += s.mutation_weight;
    return t;
  }();
  uint32_t r = rng.below(kTotal);
  for (const OpSpec& s : kOpSpecs) {
    if (r < s.mutation_weight) return s.kind;
    r -= s.mutation_weight;
  }
  return kOpSpecs.back().kind;
}

Op random_op(Rng& rng) {
  Op op;
  op.kind = random_kind(rng);
  for (Arg arg : args_of(op))
    if (rng.one_in(2)) randomize_arg(&op, arg, rng);
  return op;
}

// Picks a client with at least `min_ops` operations, or -1.
int pick_client(const Program& p, size_t min_ops, Rng& rng) {
  int candidates[kMaxClients], n = 0;
  for (int c = 0; c < kMaxClients; c++)
    if (p.ops[c].size() >= min_ops) candidates[n++] = c;
  return n ? candidates[rng.below(n)] : -1;
}

bool insert_op(Program* p, Rng& rng) {
  const int c = rng.below(kMaxClients);
  auto& ops = p->ops[c];
  if (ops.size() >= static_cast<size_t>(kMaxOpsPerClient)) return false;
  ops.insert(ops.begin() + rng.below(ops.size() + 1), random_op(rng));
  return true;
}

enum class PreemptionEdit { kAdd, kDelete, kShift, kRetarget, kSwitchForm };

// An operation of a client with at least `min_ops` of them, or false.
bool pick_op(Program* p, size_t min_ops, Rng& rng, int* client, size_t* index) {
  *client = pick_client(*p, min_ops, rng);
  if (*client < 0) return false;
  *index = rng.below(p->ops[*client].size());
  return true;
}

bool remove_op(Program* p, Rng& rng) {
  int c;
  size_t i;
  if (!pick_op(p, 1, rng, &c, &i)) return false;
  p->ops[c].erase(p->ops[c].begin() + i);
  return true;
}

bool replace_op(Program* p, Rng& rng) {
  int c;
  size_t i;
  if (!pick_op(p, 1, rng, &c, &i)) return false;
  const Op before = p->ops[c][i];
  for (int t = 0; t < 4 && p->ops[c][i] == before; t++) p->ops[c][i] = random_op(rng);
  return true;
}

bool mutate_arg(Program* p, Rng& rng) {
  int c;
  size_t i;
  if (!pick_op(p, 1, rng, &c, &i)) return false;
  Op& op = p->ops[c][i];
  const std::vector<Arg> args = args_of(op);
  if (args.empty()) return false;
  const Op before = op;  // a draw may give the value back: try a few times
  for (int t = 0; t < 4 && op == before; t++) randomize_arg(&op, args[rng.below(args.size())], rng);
  return true;
}

// Two different operations of one client trade places.
bool swap_ops(Program* p, Rng& rng) {
  int c;
  size_t i;
  if (!pick_op(p, 2, rng, &c, &i)) return false;
  auto& ops = p->ops[c];
  size_t others[kMaxOpsPerClient], n = 0;  // the ops that differ from ops[i]
  for (size_t j = 0; j < ops.size(); j++)
    if (!(ops[j] == ops[i])) others[n++] = j;
  if (n == 0) return false;
  std::swap(ops[i], ops[others[rng.below(n)]]);
  return true;
}

// An operation moves to another client, at a random place there.
bool change_client(Program* p, Rng& rng) {
  int c;
  size_t i;
  if (!pick_op(p, 1, rng, &c, &i)) return false;
  const int to_client = static_cast<int>((c + 1 + rng.below(kMaxClients - 1)) % kMaxClients);
  auto& from = p->ops[c];
  auto& to = p->ops[to_client];
  if (to.size() >= static_cast<size_t>(kMaxOpsPerClient)) return false;
  to.insert(to.begin() + rng.below(to.size() + 1), from[i]);
  from.erase(from.begin() + i);
  return true;
}

// The same edits on a PCT schedule's change points; kRetarget draws new
// priorities (a new seed).
bool mutate_pct(rt::PctSchedule* pct, PreemptionEdit how, Rng& rng) {
  auto& pts = pct->points;
  switch (how) {
    case PreemptionEdit::kAdd:
      if (pts.size() >= rt::kMaxPctPoints) return false;
      if (pts.empty()) pct->per_thread = rng.one_in(2);
      pts.insert(pts.begin() + rng.below(pts.size() + 1), random_point(rng, *pct));
      return true;
    case PreemptionEdit::kDelete:
      if (pts.empty()) return false;
      pts.erase(pts.begin() + rng.below(pts.size()));
      if (pts.empty()) pct->per_thread = false;  // canonical: no points, no per-thread form
      return true;
    case PreemptionEdit::kShift: {
      if (pts.empty()) return false;
      uint16_t& one = pts[rng.below(pts.size())];
      if (pct->per_thread) {  // a nearby count of the same thread
        const int64_t n = int64_t{rt::PctSchedule::point_count(one)} + rng.below(7) - 3;
        one = rt::PctSchedule::thread_point(rt::PctSchedule::point_tid(one),
                                            static_cast<uint32_t>(std::clamp<int64_t>(n, 1, 512)));
        return true;
      }
      const int64_t shifted = int64_t{one} + static_cast<int64_t>(rng.below(17)) - 8;
      one = static_cast<uint16_t>(std::clamp<int64_t>(shifted, 1, rt::kMaxPctPoint));
      return true;
    }
    case PreemptionEdit::kRetarget:  // new priorities, or the other way to count points
      if (rng.one_in(4))
        pct->acquire_only = !pct->acquire_only;
      else
        pct->seed = static_cast<uint16_t>(rng.next());
      return true;
    case PreemptionEdit::kSwitchForm:
      break;
  }
  return false;
}

bool mutate_schedule(Program* p, PreemptionEdit how, Rng& rng) {
  if (how == PreemptionEdit::kSwitchForm) {
    // Between the two forms: a fresh PCT schedule, or back to the default
    // policy (a run's preemptions are what a PCT schedule becomes on replay).
    if (p->schedule.pct) {
      p->schedule = rt::Schedule{};
    } else {
      p->schedule.preemptions.clear();
      p->schedule.pct = random_pct(rng);
    }
    return true;
  }
  if (p->schedule.pct) return mutate_pct(&*p->schedule.pct, how, rng);
  auto& pre = p->schedule.preemptions;
  if (how == PreemptionEdit::kAdd) {
    if (pre.size() >= static_cast<size_t>(kMaxPreemptions)) return false;
    const rt::Preemption added{random_delay(rng),
                               static_cast<uint8_t>(rng.below(kMaxEncodedTid + 1))};
    pre.insert(pre.begin() + rng.below(pre.size() + 1), added);
    return true;
  }
  if (pre.empty()) return false;
  rt::Preemption& one = pre[rng.below(pre.size())];
  switch (how) {
    case PreemptionEdit::kDelete:
      pre.erase(pre.begin() + (&one - pre.data()));
      return true;
    case PreemptionEdit::kShift: {  // by 1..4 decisions either way
      const int64_t d = rng.below(8);
      const int64_t shifted = int64_t{one.delay} + (d < 4 ? d - 4 : d - 3);
      one.delay = static_cast<uint32_t>(std::clamp<int64_t>(shifted, 0, kMaxEncodedDelay));
      return true;
    }
    case PreemptionEdit::kRetarget:
      one.tid = static_cast<uint8_t>((one.tid + 1 + rng.below(kMaxEncodedTid)) %
                                     (kMaxEncodedTid + 1));  // another thread
      return true;
    case PreemptionEdit::kAdd:
    case PreemptionEdit::kSwitchForm:
      break;
  }
  return false;
}

template <PreemptionEdit kHow>
bool schedule_edit(Program* p, Rng& rng) {
  return mutate_schedule(p, kHow, rng);
}

// The edits, in the style of syzkaller's prog/mutation.go: each names one
// change, and mutate_once() draws one by weight. A schedule only matters once
// the program has something to race, so a program that cannot race draws its
// edits by `weight` (most on its operations), one that can by `racing_weight`
// (about two thirds on the schedule). Each column sums to 100.
constexpr MutationEdit kEdits[] = {
    {"insert-op", 20, 10, insert_op},
    {"remove-op", 10, 5, remove_op},
    {"replace-op", 10, 5, replace_op},
    {"mutate-arg", 10, 5, mutate_arg},
    {"swap-ops", 10, 5, swap_ops},
    {"change-client", 10, 5, change_client},
    {"schedule-add", 6, 13, schedule_edit<PreemptionEdit::kAdd>},
    {"schedule-remove", 6, 13, schedule_edit<PreemptionEdit::kDelete>},
    {"schedule-shift", 6, 13, schedule_edit<PreemptionEdit::kShift>},
    {"schedule-retarget", 6, 13, schedule_edit<PreemptionEdit::kRetarget>},
    {"schedule-switch-form", 6, 13, schedule_edit<PreemptionEdit::kSwitchForm>},
};

constexpr uint32_t total_weight(bool racing) {
  uint32_t t = 0;
  for (const MutationEdit& e : kEdits) t += racing ? e.racing_weight : e.weight;
  return t;
}
static_assert(total_weight(false) == 100 && total_weight(true) == 100);

bool mutate_once(Program* p, Rng& rng) {
  const bool racing = can_race(*p);
  uint32_t r = rng.below(total_weight(racing));
  for (const MutationEdit& e : kEdits) {
    const uint32_t w = racing ? e.racing_weight : e.weight;
    if (r < w) return e.apply(p, rng);
    r -= w;
  }
  return false;
}

// Encodes `p` into out[0..max_size), dropping trailing operations and then
// preemptions until it fits. Returns the size written.
size_t write_fitting(Program p, uint8_t* out, size_t max_size) {
  std::vector<uint8_t> bytes = encode_bytes(p);
  while (bytes.size() > max_size) {
    const int c = p.nr_clients() - 1;
    if (!p.ops[c].empty())
      p.ops[c].pop_back();
    else if (!p.schedule.preemptions.empty())
      p.schedule.preemptions.pop_back();
    else if (p.schedule.pct && !p.schedule.pct->points.empty())
      p.schedule.pct->points.pop_back();
    else if (p.schedule.pct)
      p.schedule.pct.reset();
    else
      return 0;
    bytes = encode_bytes(p);
  }
  std::memcpy(out, bytes.data(), bytes.size());
  return bytes.size();
}

size_t mutate_raw(uint8_t* data, size_t size, size_t max_size, Rng& rng) {
  const uint32_t how = size == 0 ? 1 : rng.below(3);
  if (how == 1 && size < max_size) {
    const size_t at = rng.below(size + 1);
    std::memmove(data + at + 1, data + at, size - at);
    data[at] = static_cast<uint8_t>(rng.next());
    return size + 1;
  }
  if (how == 2 && size > 1) {
    const size_t at = rng.below(size);
    std::memmove(data + at, data + at + 1, size - at - 1);
    return size - 1;
  }
  if (size) data[rng.below(size)] ^= static_cast<uint8_t>(1u << rng.below(8));
  return size;
}

}  // namespace

// Whether the program has two threads that can race: two clients with
// operations, or one that starts a kdamond.
bool can_race(const Program& p) {
  int clients = 0;
  for (const auto& ops : p.ops) {
    if (ops.empty()) continue;
    if (++clients >= 2) return true;
    for (const Op& op : ops)
      if (op.kind == OpKind::kStart) return true;
  }
  return false;
}

std::span<const MutationEdit> mutation_edits() {
  return kEdits;
}

void mutate_program(Program* p, uint32_t seed) {
  Rng rng(seed);
  const Program before = *p;
  int wanted = 1 + (rng.one_in(3) ? rng.below(3) + 1 : 0);
  for (int attempt = 0; attempt < 64 && (wanted > 0 || *p == before); attempt++) {
    if (mutate_once(p, rng)) wanted--;
#ifndef NDEBUG
    if (const std::string bad = limit_violation(*p); !bad.empty()) {
      std::fprintf(stderr, "damon-harness: mutation broke a program limit: %s\n", bad.c_str());
      std::abort();
    }
#endif
  }
}

size_t mutate_bytes(uint8_t* data, size_t size, size_t max_size, uint32_t seed) {
  Rng rng(seed);
  if (max_size == 0) return 0;
  size = std::min(size, max_size);
  if (rng.one_in(5)) return mutate_raw(data, size, max_size, rng);
  Program p = decode_bytes(data, size);
  mutate_program(&p, static_cast<uint32_t>(rng.next()));
  return write_fitting(std::move(p), data, max_size);
}

size_t crossover_bytes(const uint8_t* d1, size_t s1, const uint8_t* d2, size_t s2, uint8_t* out,
                       size_t max_out, uint32_t seed) {
  Rng rng(seed);
  const Program parents[2] = {decode_bytes(d1, s1), decode_bytes(d2, s2)};
  Program child;
  for (int c = 0; c < kMaxClients; c++) {
    const int from = rng.below(2);
    const auto& a = parents[from].ops[c];
    child.ops[c] = a;
    if (!rng.one_in(4)) continue;
    // Splice: a prefix of one parent's client and a suffix of the other's.
    const auto& b = parents[1 - from].ops[c];
    child.ops[c].resize(rng.below(a.size() + 1));
    child.ops[c].insert(child.ops[c].end(), b.begin() + rng.below(b.size() + 1), b.end());
    if (child.ops[c].size() > static_cast<size_t>(kMaxOpsPerClient))
      child.ops[c].resize(kMaxOpsPerClient);
  }
  child.schedule = parents[rng.below(2)].schedule;
  return write_fitting(std::move(child), out, max_out);
}

}  // namespace program
