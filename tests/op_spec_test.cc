// ops.def is the one description of the operations. These tests fail when a
// row and the code or the docs that read it disagree, and when the byte layout
// of stored inputs (the corpus, fuzz seeds, crash files) changes.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/program/codec.h"
#include "harness/program/op.h"
#include "harness/program/op_parse.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "tests/program_testing.h"

namespace program {
namespace {

namespace fs = std::filesystem;
using testing::round_trip_violation;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::vector<uint8_t> unhex(std::string_view text) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  return out;
}

Program decode(const std::vector<uint8_t>& b) {
  return decode_bytes(b.data(), b.size());
}

// Every op of the row's kind that the byte format can express: one record per
// value of the record word, deduplicated by text.
std::vector<Op> every_op(const OpSpec& spec) {
  std::set<std::string> seen;
  std::vector<Op> out;
  const unsigned words = spec.record_size() == 3 ? 1u << 16 : 1u << 8;
  for (unsigned w = 0; w < words; w++) {
    std::vector<uint8_t> bytes = {static_cast<uint8_t>(spec.kind), static_cast<uint8_t>(w)};
    if (spec.record_size() == 3) bytes.push_back(static_cast<uint8_t>(w >> 8));
    bytes.push_back(0);
    const Program p = decode(bytes);
    if (p.ops[0].size() != 1) continue;
    if (seen.insert(format_op(p.ops[0][0])).second) out.push_back(p.ops[0][0]);
  }
  return out;
}

TEST(OpSpec, RowsAreWellFormed) {
  std::set<std::string> names;
  std::set<Arg> used;
  unsigned mutation = 0, workload = 0;
  for (size_t i = 0; i < kOpSpecs.size(); i++) {
    const OpSpec& s = kOpSpecs[i];
    EXPECT_EQ(static_cast<size_t>(s.kind), i) << s.name;
    EXPECT_TRUE(names.insert(s.name).second) << "two rows named " << s.name;
    EXPECT_EQ(std::string(s.name).find_first_of(" \t:#+="), std::string::npos) << s.name;
    EXPECT_EQ(find_op_spec(s.name), &s);
    EXPECT_EQ(op_kind_name(s.kind), std::string(s.name));
    std::set<Arg> in_row;
    bool keyed_seen = false;
    for (const ArgField& f : s.args()) {
      EXPECT_TRUE(in_row.insert(f.arg).second) << s.name << ": " << arg_name(f.arg) << " twice";
      used.insert(f.arg);
      // The keyed fields (key=value, any order) come after the positional ones.
      const bool keyed = arg_info(f.arg).keyed();
      EXPECT_FALSE(keyed_seen && !keyed)
          << s.name << ": positional " << arg_name(f.arg) << " after a keyed field";
      keyed_seen = keyed_seen || keyed;
    }
    // Intervals are read per scheme, so schemes comes first.
    if (s.has(Arg::kIntervals)) EXPECT_TRUE(s.has(Arg::kSchemes)) << s.name;
    EXPECT_FALSE(s.has(Arg::kCtx) && s.has(Arg::kCtxs)) << s.name;
    mutation += s.mutation_weight;
    workload += s.workload_weight;
  }
  EXPECT_EQ(used.size(), static_cast<size_t>(kNumArgs)) << "an Arg no row takes";
  EXPECT_GT(mutation, 0u);
  EXPECT_GT(workload, 0u);
  EXPECT_LE(kNumOpKinds, 16) << "the kind is 4 bits of byte 0";
}

// Each row's every value has a parser, a printer and a codec that agree.
TEST(OpSpec, EveryRowParsesPrintsAndRoundTrips) {
  for (const OpSpec& s : kOpSpecs) {
    const std::vector<Op> ops = every_op(s);
    ASSERT_FALSE(ops.empty()) << s.name;
    for (const Op& op : ops) {
      const std::string text = format_op(op);
      ASSERT_EQ(text.substr(0, text.find(' ')), s.name);
      Op parsed;
      ParseError err;
      ASSERT_TRUE(parse_op(tokenize(text, 1), static_cast<int>(text.size()) + 1, &parsed, &err))
          << text << ": " << err.message;
      ASSERT_EQ(parsed, op) << text;
      Program p;
      p.ops[0].push_back(op);
      ASSERT_EQ(round_trip_violation(p), "") << text;
    }
  }
}

TEST(OpSpec, FeaturesDropWhatARowNeeds) {
  for (OpNeeds n : {OpNeeds::kCall, OpNeeds::kWalk, OpNeeds::kPause, OpNeeds::kCommitCtx}) {
    Features f;
    f.drop_needing(n);
    for (const OpSpec& s : kOpSpecs) EXPECT_EQ(f.has(s.kind), s.needs != n) << s.name;
  }
  Features f;
  f.drop_needing(OpNeeds::kPause);
  EXPECT_FALSE(f.has(OpKind::kPause));
  EXPECT_FALSE(f.has(OpKind::kResume));
  EXPECT_TRUE(f.has(OpKind::kWalk));
}

// docs/formats.md states each row's text form and byte layout; the checklist
// in docs/contributing.md names the table.
TEST(OpSpec, DocsDescribeEveryRow) {
  const std::string formats = read(fs::path(DWH_SOURCE_DIR) / "docs" / "formats.md");
  for (const OpSpec& s : kOpSpecs) {
    EXPECT_NE(formats.find('"' + std::string(s.name) + '"'), std::string::npos)
        << s.name << " is not in the grammar";
    const std::string row = "| " + std::string(s.name) + " | " + std::to_string(s.record_size()) +
                            " | " + byte_layout_text(s) + " |";
    EXPECT_NE(formats.find(row), std::string::npos) << "missing byte format row: " << row;
  }
  for (int a = 0; a < kNumArgs; a++) {
    const std::string arg = std::string("| ") + arg_name(static_cast<Arg>(a)) + " |";
    EXPECT_NE(formats.find(arg), std::string::npos) << "no decoding row " << arg;
  }
  const std::string contributing = read(fs::path(DWH_SOURCE_DIR) / "docs" / "contributing.md");
  EXPECT_NE(contributing.find("harness/program/ops.def"), std::string::npos);
}

// One record of every kind, every field set; the bytes were written by the
// codec as it was before ops.def, and are a stored format.
TEST(ByteFormatGolden, OneRecordOfEveryKind) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x07, 0x01, 0x02, 0x02, 0x01, 0x03, 0x00, 0x04, 0x01, 0x05, 0x09, 0x06, 0xed, 0x43,
      0x07, 0x01, 0x08, 0x01, 0x09, 0x01, 0x0a, 0xe7, 0x03, 0x0b, 0x01, 0x15, 0x04, 0x16, 0x10,
      0x00, 0x1a, 0x00, 0x00, 0x20, 0x02, 0x29, 0x00, 0x01, 0x2b, 0x00, 0x0b, 0x12, 0x67, 0xc2,
  };
  const std::string text =
      "damon-harness program v1\n"
      "cpu0: start ctx0+ctx1 exclusive\n"
      "cpu0: stop ctx1\n"
      "cpu0: pause ctx1\n"
      "cpu0: resume ctx0\n"
      "cpu0: walk ctx1\n"
      "cpu0: call ctx1 repeat dealloc\n"
      "cpu0: commit ctx1 schemes=3 intervals=8,2,5 wmarks=off fail\n"
      "cpu0: invalidate ctx1\n"
      "cpu0: recreate ctx1\n"
      "cpu0: fault alloc\n"
      "cpu0: sleep 1000\n"
      "cpu0: is_running ctx1\n"
      "cpu1: call ctx0 repeat\n"
      "cpu1: commit ctx0 schemes=0 wmarks=on\n"
      "cpu1: sleep 1\n"
      "cpu2: start ctx1\n"
      "cpu2: fault kthread\n"
      "schedule: pct seed=4711 points=12,300 at=acquire\n";
  EXPECT_EQ(print_program(decode(bytes)), text);
  EXPECT_EQ(encode_bytes(testing::parse_text(text)), bytes);
  std::set<OpKind> kinds;
  for (const auto& ops : decode(bytes).ops)
    for (const Op& op : ops) kinds.insert(op.kind);
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kNumOpKinds));
}

std::vector<fs::path> corpus_programs() {
  std::vector<fs::path> out;
  for (const char* dir : {"seeds", "regression"})
    for (const auto& e : fs::directory_iterator(fs::path(DWH_SOURCE_DIR) / "corpus" / dir))
      if (e.path().extension() == ".txt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// tests/golden/corpus-bytes.txt: the bytes of the corpus's programs, made
// before ops.def; encode_bytes() must still write them.
TEST(ByteFormatGolden, CorpusEncodesAsInTheGoldenFile) {
  std::istringstream golden(
      read(fs::path(DWH_SOURCE_DIR) / "tests" / "golden" / "corpus-bytes.txt"));
  int checked = 0;
  for (std::string line; std::getline(golden, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const std::string file = line.substr(space + 1);
    const fs::path path = fs::path(DWH_SOURCE_DIR) / file;
    if (!fs::exists(path)) continue;  // a corpus file removed since
    const Program p = testing::parse_text(read(path));
    EXPECT_EQ(hex(encode_bytes(p)), line.substr(0, space)) << file;
    EXPECT_EQ(decode(unhex(line.substr(0, space))), p) << file;
    checked++;
  }
  EXPECT_GT(checked, 20);
}

TEST(CorpusRoundTrip, EveryCorpusProgramRoundTrips) {
  const std::vector<fs::path> files = corpus_programs();
  ASSERT_GT(files.size(), 20u);
  for (const fs::path& f : files) {
    const Program p = testing::parse_text(read(f));
    Program again;
    ParseError err;
    ASSERT_TRUE(parse_program(print_program(p), &again, &err)) << f << ": " << err.message;
    EXPECT_EQ(again, p) << f;
    EXPECT_EQ(print_program(again), print_program(p)) << f;
    if (!p.setup.empty()) continue;  // the byte format has no setup block
    EXPECT_EQ(round_trip_violation(p), "") << f;
  }
}

// fuzz/damon.dict's operation entries are canonical records.
TEST(FuzzDict, OperationEntriesAreCanonicalRecords) {
  std::istringstream dict(read(fs::path(DWH_SOURCE_DIR) / "fuzz" / "damon.dict"));
  int records = 0;
  for (std::string line; std::getline(dict, line);) {
    const size_t q = line.find("=\"");
    if (line.empty() || line[0] == '#' || q == std::string::npos) continue;
    std::vector<uint8_t> bytes;
    for (size_t i = line.find("\\x", q); i != std::string::npos; i = line.find("\\x", i + 4))
      bytes.push_back(static_cast<uint8_t>(std::stoi(line.substr(i + 2, 2), nullptr, 16)));
    if (line.starts_with("preempt")) continue;
    ASSERT_GE(bytes.size(), 2u) << line;
    const OpSpec& s = kOpSpecs[(bytes[0] & 15) % kNumOpKinds];
    ASSERT_EQ(bytes.size(), static_cast<size_t>(s.record_size())) << line;
    EXPECT_TRUE(line.starts_with(s.name)) << line;
    bytes.push_back(0);
    const Program p = decode(bytes);
    ASSERT_EQ(p.nr_ops(), 1u) << line;
    EXPECT_EQ(encode_bytes(p), bytes) << line;
    records++;
  }
  EXPECT_GE(records, kNumOpKinds * kMaxClients);
}

}  // namespace
}  // namespace program
