// The byte format: what fuzzers mutate. Total (every byte string decodes to a
// valid program), compact and stable: operations come from the front of the
// input, schedule choices from the back (FuzzedDataProvider style), so a small
// edit to the bytes makes a small edit to the program. encode(decode(b)) decodes
// to the same program.
//
// The layout is specified in docs/formats.md ("Byte format").
// "Within limits" for the byte format means config.h's limits plus the two
// below; a program outside them is clamped by encode_bytes().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/program/op.h"

namespace program {

inline constexpr int kByteFormatVersion = 2;
inline constexpr uint32_t kMaxEncodedDelay = 8191;  // per preemption (13 bits)
inline constexpr uint8_t kMaxEncodedTid = 7;        // runtime thread ids 0..7

Program decode_bytes(const uint8_t* data, size_t size);
// Empty if `p` is within the limits of both formats, else what is wrong.
std::string limit_violation(const Program& p);
std::vector<uint8_t> encode_bytes(const Program& p);
// Where an operation's record keeps its arguments, lowest bit first:
// "bits 0-1 ctx, bits 2-3 call mode" (the byte format's table in docs/formats.md).
std::string byte_layout_text(const OpSpec& spec);

}  // namespace program
