// Byte format v2 (kByteFormatVersion), specified in docs/formats.md ("Byte
// format"): operation records from the front, the schedule from the back, k
// last. Every byte string is a valid program: each field is read modulo its
// range, so no value is rejected, and records that would break a limit are
// dropped rather than refused. A record cut short by the end of the operation
// bytes is ignored, and so is an operation for a client that already has
// kMaxOpsPerClient; both keep decode total without shifting later records.
#include "harness/program/codec.h"

#include <algorithm>

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

bool has_extra_byte(OpKind k) {
  return k == OpKind::kCommit || k == OpKind::kSleep;
}

Op decode_op(OpKind kind, uint8_t b1, uint8_t b2) {
  Op op;
  op.kind = kind;
  switch (kind) {
    case OpKind::kStart:
    case OpKind::kStop:
      op.ctx_mask = (b1 & kAllCtxs) ? (b1 & kAllCtxs) : kAllCtxs;
      op.exclusive = kind == OpKind::kStart && (b1 & 4);
      break;
    case OpKind::kFault:
      op.fault = (b1 & 1) ? FaultKind::kAlloc : FaultKind::kKthreadRun;
      break;
    case OpKind::kSleep:
      op.sleep_ms = static_cast<uint16_t>((b1 | b2 << 8) % kMaxSleepMs + 1);
      break;
    default:
      op.ctx_mask = static_cast<uint8_t>(1u << ((b1 & 3) % kMaxCtxs));
      break;
  }
  if (kind == OpKind::kCall) op.call = static_cast<CallMode>(((b1 >> 2) & 3) % 3);
  if (kind == OpKind::kCommit) {
    op.nr_schemes = ((b1 >> 2) & 3) % (kMaxSchemes + 1);
    op.wmarks_active = b1 & 0x10;
    op.fail = b1 & 0x20;
    const unsigned word = b1 >> 6 | b2 << 2;
    for (int i = 0; i < op.nr_schemes; i++) op.interval[i] = ((word >> (3 * i)) & 7) + 1;
  }
  return op;
}

// The inverse of decode_op() for canonical ops within limits; out-of-range
// fields are clamped so that the result still decodes to something close.
void encode_op(const Op& op, int client, std::vector<uint8_t>* out) {
  out->push_back(static_cast<uint8_t>(client << 4 | static_cast<uint8_t>(op.kind)));
  unsigned b1 = 0, b2 = 0;
  switch (op.kind) {
    case OpKind::kStart:
    case OpKind::kStop:
      b1 = op.ctx_mask & kAllCtxs;
      if (op.kind == OpKind::kStart && op.exclusive) b1 |= 4;
      break;
    case OpKind::kFault:
      b1 = op.fault == FaultKind::kAlloc;
      break;
    case OpKind::kSleep: {
      const unsigned v = std::clamp<unsigned>(op.sleep_ms, 1, kMaxSleepMs) - 1;
      b1 = v & 0xff;
      b2 = v >> 8;
      break;
    }
    default:
      b1 = op.ctx();
      break;
  }
  if (op.kind == OpKind::kCall) b1 |= static_cast<unsigned>(op.call) << 2;
  if (op.kind == OpKind::kCommit) {
    const int n = std::min<int>(op.nr_schemes, kMaxSchemes);
    unsigned word = 0;
    for (int i = 0; i < n; i++)
      word |= (std::clamp<unsigned>(op.interval[i], 1, kMaxIntervalSamples) - 1) << (3 * i);
    b1 |= n << 2 | op.wmarks_active << 4 | op.fail << 5 | (word & 3) << 6;
    b2 = word >> 2;
  }
  out->push_back(static_cast<uint8_t>(b1));
  if (has_extra_byte(op.kind)) out->push_back(static_cast<uint8_t>(b2));
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
      const auto kind = static_cast<OpKind>((data[pos] & 15) % kNumOpKinds);
      const int client = (data[pos] >> 4) % kMaxClients;
      const size_t len = has_extra_byte(kind) ? 3 : 2;
      if (pos + len > end) break;
      if (pass == 0) {
        counts[client]++;
      } else if (p.ops[client].size() < static_cast<size_t>(kMaxOpsPerClient)) {
        p.ops[client].push_back(decode_op(kind, data[pos + 1], len == 3 ? data[pos + 2] : 0));
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
