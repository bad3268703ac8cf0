// Byte format v2 (kByteFormatVersion), specified in docs/formats.md ("Byte
// format"): operation records from the front, the schedule from the back, k
// last. Every byte string is a valid program: each field is read modulo its
// range, so no value is rejected, and records that would break a limit are
// dropped rather than refused. A record cut short by the end of the operation
// bytes is ignored, and so is an operation for a client that already has
// kMaxOpsPerClient; both keep decode total without shifting later records.
#include "harness/program/codec.h"

#include <algorithm>
#include <string>
#include <vector>

namespace program {
namespace {

static_assert(kNumOpKinds <= 16 && kMaxClients <= 16, "kind and client share byte 0");
static_assert(kMaxCtxs <= 2, "ctx fields are 2 bits");
static_assert(kMaxSchemes <= 3 && kMaxIntervalSamples <= 8, "intervals are 3 bits each");
static_assert(kMaxPreemptions < 0x80, "k's high bit marks a PCT schedule");
static_assert(rt::kMaxPctPoints < 0x80 && rt::kMaxPctPoint <= 4096, "PCT points are 12 bits");
static_assert(rt::kMaxPctPoints == 7, "k's low 3 bits count PCT points");
constexpr uint8_t kPctFlag = 0x80;
constexpr uint8_t kPctAcquireOnly = 0x40;
constexpr uint8_t kPctPerThread = 0x20;

constexpr uint8_t kAllCtxs = (1u << kMaxCtxs) - 1;

// Every row of ops.def fits its record: fields wide enough, inside the 16-bit
// record word, not overlapping.
constexpr bool layout_fits(const OpSpec& s) {
  unsigned used = 0;
  for (const ArgField& f : s.args()) {
    if (f.width < arg_info(f.arg).bits || f.shift + f.width > 16) return false;
    const unsigned bits = ((1u << f.width) - 1) << f.shift;
    if (used & bits) return false;
    used |= bits;
  }
  return true;
}
constexpr bool every_layout_fits() {
  for (const OpSpec& s : kOpSpecs)
    if (!layout_fits(s)) return false;
  return true;
}
static_assert(every_layout_fits(), "an ops.def row's byte fields overlap or are too narrow");

// Sets the argument from its field value `v` (the field's bits, shifted down).
// The arguments come in the row's order, so schemes is set before intervals.
void decode_arg(Arg arg, unsigned v, Op* op) {
  switch (arg) {
    case Arg::kCtxs:
      op->ctx_mask = (v & kAllCtxs) ? (v & kAllCtxs) : kAllCtxs;
      return;
    case Arg::kCtx:
      op->ctx_mask = static_cast<uint8_t>(1u << ((v & 3) % kMaxCtxs));
      return;
    case Arg::kExclusive:
      op->exclusive = v & 1;
      return;
    case Arg::kCallMode:
      op->call = static_cast<CallMode>((v & 3) % 3);
      return;
    case Arg::kSchemes:
      op->nr_schemes = (v & 3) % (kMaxSchemes + 1);
      return;
    case Arg::kIntervals:
      for (int i = 0; i < op->nr_schemes; i++) op->interval[i] = ((v >> (3 * i)) & 7) + 1;
      return;
    case Arg::kWmarks:
      op->wmarks_active = v & 1;
      return;
    case Arg::kFail:
      op->fail = v & 1;
      return;
    case Arg::kFault:
      op->fault = (v & 1) ? FaultKind::kAlloc : FaultKind::kKthreadRun;
      return;
    case Arg::kSleepMs:
      op->sleep_ms = static_cast<uint16_t>(v % kMaxSleepMs + 1);
      return;
  }
}

// The inverse of decode_arg() for canonical ops within limits; out-of-range
// fields are clamped so that the result still decodes to something close.
unsigned encode_arg(Arg arg, const Op& op) {
  switch (arg) {
    case Arg::kCtxs:
      return op.ctx_mask & kAllCtxs;
    case Arg::kCtx:
      return static_cast<unsigned>(op.ctx());
    case Arg::kExclusive:
      return op.exclusive;
    case Arg::kCallMode:
      return static_cast<unsigned>(op.call);
    case Arg::kSchemes:
      return std::min<unsigned>(op.nr_schemes, kMaxSchemes);
    case Arg::kIntervals: {
      unsigned word = 0;
      for (int i = 0; i < std::min<int>(op.nr_schemes, kMaxSchemes); i++)
        word |= (std::clamp<unsigned>(op.interval[i], 1, kMaxIntervalSamples) - 1) << (3 * i);
      return word;
    }
    case Arg::kWmarks:
      return op.wmarks_active;
    case Arg::kFail:
      return op.fail;
    case Arg::kFault:
      return op.fault == FaultKind::kAlloc;
    case Arg::kSleepMs:
      return std::clamp<unsigned>(op.sleep_ms, 1, kMaxSleepMs) - 1;
  }
  return 0;
}

Op decode_op(const OpSpec& spec, unsigned word) {
  Op op;
  op.kind = spec.kind;
  for (const ArgField& f : spec.args())
    decode_arg(f.arg, word >> f.shift & ((1u << f.width) - 1), &op);
  return op;
}

void encode_op(const Op& op, int client, std::vector<uint8_t>* out) {
  const OpSpec& spec = op_spec(op.kind);
  out->push_back(static_cast<uint8_t>(client << 4 | static_cast<uint8_t>(op.kind)));
  unsigned word = 0;
  for (const ArgField& f : spec.args())
    word |= (encode_arg(f.arg, op) & ((1u << f.width) - 1)) << f.shift;
  out->push_back(static_cast<uint8_t>(word & 0xff));
  if (spec.record_size() == 3) out->push_back(static_cast<uint8_t>(word >> 8));
}

}  // namespace

Program decode_bytes(const uint8_t* data, size_t size) {
  Program p;
  if (size == 0) return p;
  const uint8_t kbyte = data[size - 1];
  size_t end = size - 1;  // end of the operation bytes
  if (kbyte & kPctFlag) {
    rt::PctSchedule pct;
    const size_t seed_len = std::min<size_t>(2, end);
    if (seed_len >= 1) pct.seed = data[end - 1];
    if (seed_len == 2) pct.seed = static_cast<uint16_t>(pct.seed | data[end - 2] << 8);
    end -= seed_len;
    pct.acquire_only = kbyte & kPctAcquireOnly;
    const size_t n = std::min<size_t>(kbyte % (rt::kMaxPctPoints + 1), end / 2);
    for (size_t j = 0; j < n; j++) {
      const uint8_t lo = data[end - 1 - 2 * j];
      const uint8_t hi = data[end - 2 - 2 * j];
      pct.points.push_back(static_cast<uint16_t>((lo | (hi & 15) << 8) + 1));
    }
    end -= 2 * n;
    pct.per_thread = n > 0 && (kbyte & kPctPerThread);
    p.schedule.pct = std::move(pct);
  } else {
    const size_t k = std::min<size_t>(kbyte % (kMaxPreemptions + 1), (size - 1) / 2);
    for (size_t j = 0; j < k; j++) {
      const uint8_t d = data[size - 2 - 2 * j];
      const uint8_t t = data[size - 3 - 2 * j];
      p.schedule.preemptions.push_back(
          {static_cast<uint32_t>(d | (t >> 3) << 8), static_cast<uint8_t>(t & kMaxEncodedTid)});
    }
    end -= 2 * k;
  }
  // Two passes: the first counts each client's operations, so that each list is
  // allocated once (a fuzzer decodes every input it runs).
  size_t counts[kMaxClients] = {};
  for (int pass = 0; pass < 2; pass++) {
    for (size_t pos = 0; pos + 1 < end;) {
      const OpSpec& spec = kOpSpecs[(data[pos] & 15) % kNumOpKinds];
      const int client = (data[pos] >> 4) % kMaxClients;
      const size_t len = static_cast<size_t>(spec.record_size());
      if (pos + len > end) break;
      if (pass == 0) {
        counts[client]++;
      } else if (p.ops[client].size() < static_cast<size_t>(kMaxOpsPerClient)) {
        p.ops[client].push_back(
            decode_op(spec, data[pos + 1] | (len == 3 ? data[pos + 2] : 0u) << 8));
      }
      pos += len;
    }
    if (pass == 0) {
      for (int c = 0; c < kMaxClients; c++)
        p.ops[c].reserve(std::min<size_t>(counts[c], kMaxOpsPerClient));
    }
  }
  return p;
}

std::vector<uint8_t> encode_bytes(const Program& p) {
  std::vector<uint8_t> out;
  for (int client = 0; client < kMaxClients; client++)
    for (const Op& op : p.ops[client]) encode_op(op, client, &out);
  if (p.schedule.pct) {
    const auto& pts = p.schedule.pct->points;
    const size_t n = std::min(pts.size(), rt::kMaxPctPoints);
    for (size_t j = n; j-- > 0;) {
      const unsigned v = std::clamp<unsigned>(pts[j], 1, rt::kMaxPctPoint) - 1;
      out.push_back(static_cast<uint8_t>(v >> 8));
      out.push_back(static_cast<uint8_t>(v & 0xff));
    }
    out.push_back(static_cast<uint8_t>(p.schedule.pct->seed >> 8));
    out.push_back(static_cast<uint8_t>(p.schedule.pct->seed & 0xff));
    const bool per_thread = p.schedule.pct->per_thread && n;
    out.push_back(static_cast<uint8_t>(kPctFlag |
                                       (p.schedule.pct->acquire_only ? kPctAcquireOnly : 0) |
                                       (per_thread ? kPctPerThread : 0) | n));
    return out;
  }
  const auto& pre = p.schedule.preemptions;
  const size_t k = std::min<size_t>(pre.size(), kMaxPreemptions);
  for (size_t j = k; j-- > 0;) {
    const uint32_t delay = std::min(pre[j].delay, kMaxEncodedDelay);
    out.push_back(static_cast<uint8_t>((pre[j].tid & kMaxEncodedTid) | (delay >> 8) << 3));
    out.push_back(static_cast<uint8_t>(delay & 0xff));
  }
  out.push_back(static_cast<uint8_t>(k));
  return out;
}

std::string byte_layout_text(const OpSpec& spec) {
  std::vector<ArgField> fields(spec.args().begin(), spec.args().end());
  std::sort(fields.begin(), fields.end(),
            [](const ArgField& a, const ArgField& b) { return a.shift < b.shift; });
  std::string out;
  for (const ArgField& f : fields) {
    if (!out.empty()) out += ", ";
    out += f.width == 1
               ? "bit " + std::to_string(f.shift)
               : "bits " + std::to_string(f.shift) + "-" + std::to_string(f.shift + f.width - 1);
    out += std::string(" ") + arg_name(f.arg);
  }
  return out;
}

std::string limit_violation(const Program& p) {
  for (int c = 0; c < kMaxClients; c++) {
    if (p.ops[c].size() > static_cast<size_t>(kMaxOpsPerClient)) return "too many ops";
    for (const Op& op : p.ops[c]) {
      if (static_cast<int>(op.kind) >= kNumOpKinds) return "bad kind";
      if (op.ctx_mask == 0 || op.ctx_mask >= (1u << kMaxCtxs)) return "bad ctx mask";
      if (op.nr_schemes > kMaxSchemes) return "bad schemes";
      for (int i = 0; i < op.nr_schemes; i++)
        if (op.interval[i] < 1 || op.interval[i] > kMaxIntervalSamples) return "bad interval";
      if (op.sleep_ms < 1 || op.sleep_ms > kMaxSleepMs) return "bad sleep";
    }
  }
  if (p.schedule.preemptions.size() > static_cast<size_t>(kMaxPreemptions))
    return "too many preemptions";
  for (const rt::Preemption& pre : p.schedule.preemptions)
    if (pre.delay > kMaxEncodedDelay || pre.tid > kMaxEncodedTid) return "bad preemption";
  if (p.schedule.pct) {
    if (!p.schedule.preemptions.empty()) return "PCT schedule with preemptions";
    if (p.schedule.pct->points.size() > rt::kMaxPctPoints) return "too many PCT points";
    for (uint16_t pt : p.schedule.pct->points)
      if (pt < 1 || pt > rt::kMaxPctPoint) return "bad PCT point";
  }
  return "";
}

}  // namespace program
