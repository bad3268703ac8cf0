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

using ::program::limit_violation;

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
