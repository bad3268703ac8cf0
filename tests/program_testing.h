// Helpers shared by the program-layer tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness/program/codec.h"
#include "harness/program/op.h"
#include "harness/program/text.h"
#include "harness/runtime/rng.h"

namespace program::testing {

// The program in `text`; a parse error fails the calling test.
inline Program parse_text(const std::string& text) {
  Program p;
  ParseError err;
  EXPECT_TRUE(parse_program(text, &p, &err)) << err.format("<test>");
  return p;
}

// Deterministic bytes for table-free round-trip tests.
inline std::vector<uint8_t> random_bytes(uint64_t seed, size_t max_len) {
  rt::SplitMix64 rng(seed);
  std::vector<uint8_t> b(rng.below(max_len + 1));
  for (uint8_t& x : b) x = static_cast<uint8_t>(rng.next());
  return b;
}

// Empty if `p` is within the limits of both formats, else what is wrong.
inline std::string limit_violation(const Program& p) {
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

// Both formats hold `p` exactly: the text and the bytes give it back.
inline std::string round_trip_violation(const Program& p) {
  Program from_text;
  ParseError err;
  if (!parse_program(print_program(p), &from_text, &err)) return err.format("<printed>");
  if (!(from_text == p)) return "text round trip changed the program";
  const std::vector<uint8_t> bytes = encode_bytes(p);
  if (!(decode_bytes(bytes.data(), bytes.size()) == p)) return "byte round trip changed it";
  return "";
}

}  // namespace program::testing
