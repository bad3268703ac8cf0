#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/program/codec.h"
#include "harness/program/text.h"
#include "tests/program_testing.h"

namespace program {
namespace {

using testing::limit_violation;
using testing::random_bytes;
using testing::round_trip_violation;

Program decode(const std::vector<uint8_t>& b) {
  return decode_bytes(b.data(), b.size());
}

Program parse(std::string_view text) {
  Program p;
  ParseError err;
  EXPECT_TRUE(parse_program(text, &p, &err)) << err.format("<test>");
  return p;
}

// The layout is a stored format (corpus seeds, crash files): these bytes must
// keep meaning this program.
const std::vector<uint8_t> kGoldenBytes = {
    0x04, 0x01,        // cpu0: walk ctx1
    0x16, 0x29, 0x06,  // cpu1: commit ctx1 schemes=2 intervals=1,4 wmarks=off fail
    0x2a, 0x2b, 0x01,  // cpu2: sleep 300
    0x0a, 0x2c,        // preemption 1: tid 2, delay 0x100 | 0x2c
    0x05, 0x03,        // preemption 0: tid 5, delay 3
    0x02,              // two preemptions
};
constexpr std::string_view kGoldenText =
    "damon-harness program v1\n"
    "cpu0: walk ctx1\n"
    "cpu1: commit ctx1 schemes=2 intervals=1,4 wmarks=off fail\n"
    "cpu2: sleep 300\n"
    "schedule: 3:5 300:2\n";

TEST(ProgramCodec, GoldenDecode) {
  EXPECT_EQ(print_program(decode(kGoldenBytes)), kGoldenText);
}

TEST(ProgramCodec, GoldenEncode) {
  EXPECT_EQ(encode_bytes(parse(kGoldenText)), kGoldenBytes);
}

TEST(ProgramCodec, EmptyAndTinyInputs) {
  EXPECT_EQ(decode({}), Program{});
  EXPECT_EQ(encode_bytes(Program{}), std::vector<uint8_t>{0});
  for (int b = 0; b < 0x80; b++) EXPECT_EQ(decode({static_cast<uint8_t>(b)}), Program{});
  // A lone k with the PCT bit: a PCT schedule with seed 0 and no change points.
  for (int b = 0x80; b < 256; b++) {
    Program pct_only;
    pct_only.schedule.pct = rt::PctSchedule{};
    pct_only.schedule.pct->acquire_only = b & 0x40;
    EXPECT_EQ(decode({static_cast<uint8_t>(b)}), pct_only);
  }
  // A record cut short by the end of the input is ignored.
  EXPECT_EQ(decode({0x06, 0x00, 0x00}).nr_ops(), 0u);
}

TEST(ProgramCodec, ScheduleComesFromTheBack) {
  // k = 70 % 65 = 5, but only one pair fits.
  const Program p = decode({0x0f, 0x07, 70});
  ASSERT_EQ(p.schedule.preemptions.size(), 1u);
  EXPECT_EQ(p.schedule.preemptions[0], (rt::Preemption{0x07 | 0x100, 7}));
  EXPECT_EQ(p.nr_ops(), 0u);
}

TEST(ProgramCodec, PctScheduleComesFromTheBackToo) {
  // cpu1: walk ctx0; points 0x012+1 and 0x3ff+1 (point 0 nearest the seed);
  // seed 0x1234; k = 0x80 | 2.
  const Program p = decode({0x14, 0x00, 0x03, 0xff, 0xf0, 0x12, 0x12, 0x34, 0x82});
  ASSERT_TRUE(p.schedule.pct.has_value());
  EXPECT_EQ(p.schedule.pct->seed, 0x1234);
  EXPECT_EQ(p.schedule.pct->points, (std::vector<uint16_t>{0x013, 0x400}));
  EXPECT_TRUE(p.schedule.preemptions.empty());
  ASSERT_EQ(p.ops[1].size(), 1u);
  EXPECT_EQ(p.ops[1][0].kind, OpKind::kWalk);
  // The high nibble of H is ignored, so the canonical form differs from the
  // input only there.
  EXPECT_EQ(encode_bytes(p),
            (std::vector<uint8_t>{0x14, 0x00, 0x03, 0xff, 0x00, 0x12, 0x12, 0x34, 0x82}));
  EXPECT_FALSE(p.schedule.pct->acquire_only);
  EXPECT_TRUE(decode({0x00, 0x00, 0xc0}).schedule.pct->acquire_only);
  // Bit 5: per-thread points, read only when there are points.
  const Program per_thread = decode({0x02, 0x02, 0x00, 0x00, 0xa1});
  EXPECT_TRUE(per_thread.schedule.pct->per_thread);
  EXPECT_EQ(per_thread.schedule.pct->points,
            (std::vector<uint16_t>{rt::PctSchedule::thread_point(1, 3)}));
  EXPECT_FALSE(decode({0x00, 0x00, 0xa0}).schedule.pct->per_thread);
  // Too few bytes for the points asked for: only those that fit are read.
  const Program short_one = decode({0x00, 0x05, 0x00, 0x07, 0x87});
  ASSERT_TRUE(short_one.schedule.pct.has_value());
  EXPECT_EQ(short_one.schedule.pct->seed, 0x0007);
  EXPECT_EQ(short_one.schedule.pct->points, (std::vector<uint16_t>{0x006}));
  EXPECT_EQ(short_one.nr_ops(), 0u);
}

TEST(ProgramCodec, EveryRecordIsValidAndRoundTrips) {
  std::set<OpKind> kinds;
  for (int b0 = 0; b0 < 256; b0++) {
    // Byte 0 values past client 2 alias a lower client; check that against the
    // canonical byte instead of repeating the (slower) text round trip.
    const int canonical_b0 = (b0 >> 4) % kMaxClients << 4 | b0 % 16;
    for (int b1 = 0; b1 < 256; b1++) {
      for (int b2 : {0, 0xb6}) {
        const auto record = [&](int first) {
          return decode(
              {static_cast<uint8_t>(first), static_cast<uint8_t>(b1), static_cast<uint8_t>(b2), 0});
        };
        const Program p = record(b0);
        ASSERT_EQ(limit_violation(p), "") << b0 << " " << b1 << " " << b2;
        ASSERT_EQ(p.nr_ops(), 1u);
        if (b0 != canonical_b0) {
          ASSERT_EQ(p, record(canonical_b0));
          continue;
        }
        ASSERT_EQ(round_trip_violation(p), "") << print_program(p);
        for (const auto& ops : p.ops)
          for (const Op& op : ops) kinds.insert(op.kind);
      }
    }
  }
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kNumOpKinds));
}

TEST(ProgramCodec, EveryCommitAndSleepValueIsReachable) {
  std::set<std::string> commits;
  std::set<int> sleeps;
  for (int b1 = 0; b1 < 256; b1++) {
    for (int b2 = 0; b2 < 256; b2++) {
      const auto x = static_cast<uint8_t>(b1), y = static_cast<uint8_t>(b2);
      commits.insert(format_op(decode({0x06, x, y, 0}).ops[0].at(0)));
      sleeps.insert(decode({0x0a, x, y, 0}).ops[0].at(0).sleep_ms);
    }
  }
  // ctx x fail x wmarks x (1 + 8 + 64 + 512 interval choices).
  EXPECT_EQ(commits.size(), 2u * 2 * 2 * (1 + 8 + 64 + 512));
  EXPECT_EQ(sleeps.size(), static_cast<size_t>(kMaxSleepMs));
}

TEST(ProgramCodec, RandomBytesRoundTripThroughTextAndBytes) {
  for (uint64_t seed = 0; seed < 20000; seed++) {
    const std::vector<uint8_t> bytes = random_bytes(seed, seed % 10 == 0 ? 400 : 120);
    const Program p = decode(bytes);
    ASSERT_EQ(limit_violation(p), "") << "seed " << seed;
    const std::string text = print_program(p);
    Program from_text;
    ParseError err;
    ASSERT_TRUE(parse_program(text, &from_text, &err)) << err.format("seed") << "\n" << text;
    ASSERT_EQ(from_text, p) << text;
    const std::vector<uint8_t> again = encode_bytes(from_text);
    ASSERT_EQ(decode(again), p) << text;
    ASSERT_EQ(print_program(decode(again)), text);
    // The canonical form writes every field in full: at most the k byte, or a
    // PCT seed's second byte and k, more than the input had.
    ASSERT_LE(again.size(), bytes.size() + (p.schedule.pct ? 2 : 1))
        << "canonical encoding is never longer";
  }
}

TEST(ProgramCodec, LimitsAreEnforcedByDropping) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < kMaxOpsPerClient + 5; i++) {
    bytes.push_back(0x14);  // cpu1: walk
    bytes.push_back(static_cast<uint8_t>(i & 1));
  }
  bytes.push_back(0x04);  // cpu0: walk ctx0, after the dropped ones
  bytes.push_back(0x00);
  bytes.push_back(0);
  const Program p = decode(bytes);
  EXPECT_EQ(p.ops[1].size(), static_cast<size_t>(kMaxOpsPerClient));
  EXPECT_EQ(p.ops[0].size(), 1u);

  std::vector<uint8_t> many(2 * 100 + 1, 0x11);
  many.back() = 64;
  EXPECT_EQ(decode(many).schedule.preemptions.size(), static_cast<size_t>(kMaxPreemptions));
}

TEST(ProgramCodec, EncodeClampsProgramsOutsideTheLimits) {
  Program p;
  p.schedule.preemptions = {{100000, 9}};
  const std::vector<uint8_t> bytes = encode_bytes(p);
  const Program back = decode(bytes);
  ASSERT_EQ(back.schedule.preemptions.size(), 1u);
  EXPECT_EQ(back.schedule.preemptions[0].delay, kMaxEncodedDelay);
  EXPECT_LE(back.schedule.preemptions[0].tid, kMaxEncodedTid);
}

// docs/formats.md is the byte format's one specification: its kind numbers and
// the moduli it states are the codec's.
TEST(ByteFormatSpec, KindsAndModuliAreTheCodecs) {
  std::ifstream in(std::filesystem::path(DWH_SOURCE_DIR) / "docs" / "formats.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  for (char& c : doc)
    if (c == '\n') c = ' ';
  std::string kinds;
  for (int k = 0; k < kNumOpKinds; k++)
    kinds +=
        (k ? ", " : "Kinds: ") + std::to_string(k) + " " + op_kind_name(static_cast<OpKind>(k));
  std::string squeezed;
  for (char c : doc)
    if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') squeezed += c;
  EXPECT_NE(squeezed.find(kinds + "."), std::string::npos) << kinds;
  EXPECT_NE(squeezed.find("kind = (b & 15) % " + std::to_string(kNumOpKinds)), std::string::npos);
  EXPECT_NE(squeezed.find("client = (b >> 4) % " + std::to_string(kMaxClients)), std::string::npos);
  EXPECT_NE(squeezed.find("min(k % " + std::to_string(kMaxPreemptions + 1)), std::string::npos);
  EXPECT_NE(squeezed.find("bit 5 per-thread points"), std::string::npos);
}

}  // namespace
}  // namespace program
