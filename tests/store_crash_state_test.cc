// Crash-per-bug mode gives ClusterFuzz one crash state per signature.
//
// The fixture below is a reduced copy of how ClusterFuzz's stack analyzer
// (google/clusterfuzz, src/clusterfuzz/stacktraces/__init__.py and
// constants.py) computes a crash state from a libFuzzer run's output, for the
// lines such output has:
//  - an assertion line (ASSERT_REGEX, case-insensitive) makes the crash type
//    ASSERT and the matched message the first line of the state, with one frame
//    counted;
//  - a sanitizer's "ABRT" line after an ASSERT is skipped (SAN_ABRT_REGEX,
//    IGNORE_CRASH_TYPES_FOR_ABRT_BREAKPOINT_AND_ILLS); any other sanitizer
//    error line resets the state (SAN_ADDR_REGEX);
//  - stack frames ("#N 0xADDR in FUNC FILE:LINE") add their function, with
//    "(anonymous namespace)::" and the argument list removed, unless it
//    matches the ignore list (the entries that libFuzzer, libc and sanitizer
//    frames hit), until the state has MAX_CRASH_STATE_FRAMES = 3 lines;
//  - at the end addresses become ADDRESS and runs of 4+ digits NUMBER
//    (filter_addresses_and_numbers), and each line is cut to LINE_LENGTH_CAP =
//    80 characters.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/common.h"
#include "harness/program/executor.h"
#include "harness/program/load.h"
#include "harness/program/options.h"
#include "harness/program/profiles.h"
#include "program_testing.h"

namespace {

struct CrashInfo {
  std::string type;
  std::string state;
};

const std::regex kAssert(
    R"((?:\[.*?\]|.*\.(?:c|cc|cpp|cxx|h|hh|hpp|hxx):.*)?\s*(?:ASSERT(?:ION)? FAIL(?:URE|ED)|panic): (.*))",
    std::regex::icase);
const std::regex kSanAbrt(R"(.*[a-zA-Z]+Sanitizer: ABRT .*)");
const std::regex kSanAddr(
    R"(.*(ERROR: [a-zA-Z]+Sanitizer)[: ]*(.*) on (unknown address |address |)([xX0-9a-fA-F]+).*)");
const std::regex kFrame(R"(\s*#(\d+)\s+([xX0-9a-fA-F]+)\s+in\s+(.*) (\S+:\d+(?::\d+)?))");
const std::regex kIgnoredFrame(
    R"(^(abort|raise|exit|__pthread_kill.*|__GI_.*|__libc_.*|_start|main|fuzzer::.*|)"
    R"(LLVMFuzzerTestOneInput.*|__sanitizer.*|__asan.*|__ubsan.*|gsignal.*|.*assert.*)$)");

std::string filter_frame(std::string f) {
  for (size_t at; (at = f.find("(anonymous namespace)::")) != std::string::npos;) f.erase(at, 23);
  const size_t paren = f.find_first_of("([");
  if (paren != std::string::npos && paren > 0) f = f.substr(0, paren);
  while (!f.empty() && f.back() == ' ') f.pop_back();
  return f;
}

std::string filter_numbers(const std::string& s) {
  std::string r = std::regex_replace(s, std::regex(R"(0x[a-fA-F0-9]{4,}[U]*)"), "ADDRESS");
  // Python's re.sub replaces non-overlapping matches; so does regex_replace.
  return std::regex_replace(r, std::regex(R"((^|[^:0-9.])[0-9.]{4,}($|[^A-Za-z0-9.]))"),
                            "$1NUMBER$2");
}

CrashInfo crash_state(const std::string& output) {
  CrashInfo c;
  int frames = 0;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, kSanAbrt) && c.type == "ASSERT") continue;
    if (std::regex_match(line, m, kAssert)) {
      c.type = "ASSERT";
      c.state = m[1].str() + "\n";
      frames = 1;
      continue;
    }
    if (std::regex_match(line, m, kSanAddr)) {
      c.type = m[2].str();
      c.state.clear();
      frames = 0;
      continue;
    }
    if (std::regex_match(line, m, kFrame)) {
      const std::string f = m[3].str();
      if (std::regex_match(f, kIgnoredFrame)) continue;
      if (frames < 3) c.state += filter_frame(f) + "\n", frames++;
    }
  }
  std::string capped;
  std::istringstream st(filter_numbers(c.state));
  for (std::string line; std::getline(st, line);) capped += line.substr(0, 80) + "\n";
  c.state = capped;
  return c;
}

// What ASan prints after the target's abort(): the same frames for every
// finding, since every finding aborts from fuzz::on_finding().
const char* kAbortStack =
    R"(==4242==ERROR: AddressSanitizer: ABRT on unknown address 0x00000000108a (pc 0x7f00deadbeef bp 0x7ffc0 sp 0x7ffc1 T0)
    #0 0x7f00deadbeef in __pthread_kill_implementation nptl/pthread_kill.c:44:76
    #1 0x7f00deadbef0 in raise signal/../sysdeps/posix/raise.c:26:13
    #2 0x7f00deadbef1 in abort stdlib/abort.c:79:7
    #3 0x55e3aa in fuzz::on_finding(program::Outcome const&, program::FindingFile const&, unsigned char const*, unsigned long) fuzz/common.cc:360:5
    #4 0x55e3ab in LLVMFuzzerTestOneInput fuzz/fuzz_walk_sim.cc:38:5
    #5 0x55e3ac in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) FuzzerLoop.cpp:614:13
    #6 0x55e3ad in main FuzzerMain.cpp:20:10
SUMMARY: AddressSanitizer: ABRT nptl/pthread_kill.c:44:76 in __pthread_kill_implementation
)";

struct FindingRun {
  std::string file;
  report::Signature sig;
  std::string output;  // the target's stderr in crash mode, then the stack
};

// Each regression file run as fuzz_walk_sim runs an input on pause-rfc.
std::vector<FindingRun> regression_runs() {
  std::vector<std::string> files;
  std::string err;
  EXPECT_TRUE(
      program::list_inputs(std::string(DWH_SOURCE_DIR) + "/corpus/regression", &files, &err));
  program::Settings s;
  const program::ProfileInfo* profile = program::find_profile(s.profile);
  std::vector<FindingRun> runs;
  for (const std::string& f : files) {
    std::string text;
    EXPECT_TRUE(program::read_file(f, &text, &err)) << err;
    const program::Outcome o = program::execute(program::testing::parse_text(text),
                                                program::make_run_config(s, profile, 0));
    if (!rt::is_protocol_bug(o.verdict)) continue;
    const program::FindingFile ff = program::finding_from_outcome(o, s, 0, "fuzz_walk_sim");
    const report::Signature sig = report::signature_of(o);
    runs.push_back({f, sig, fuzz::crash_report(ff, sig, "crash-x.txt") + kAbortStack});
  }
  return runs;
}

TEST(CrashState, FixtureReadsAssertionsAndFrames) {
  const CrashInfo a = crash_state(std::string("ASSERTION FAILED: x 12345 y\n") + kAbortStack);
  EXPECT_EQ(a.type, "ASSERT");
  EXPECT_EQ(a.state, "x NUMBER y\nfuzz::on_finding\n");
  const CrashInfo b = crash_state(kAbortStack);
  EXPECT_EQ(b.type, "ABRT");
  EXPECT_EQ(b.state, "fuzz::on_finding\n");
}

// Two findings of different signatures, of the same verdict among them, get
// two crash states; findings of one signature get one.
TEST(CrashState, OnePerSignature) {
  const std::vector<FindingRun> runs = regression_runs();
  ASSERT_GE(runs.size(), 3u);
  std::map<std::string, std::string> state_of_key, key_of_state;
  bool same_verdict_pair = false;
  for (const FindingRun& r : runs) {
    const CrashInfo c = crash_state(r.output);
    EXPECT_EQ(c.type, "ASSERT") << r.file;
    auto [k, new_key] = state_of_key.emplace(r.sig.key(), c.state);
    EXPECT_EQ(k->second, c.state) << r.file << ": one signature, two crash states";
    auto [s, new_state] = key_of_state.emplace(c.state, r.sig.key());
    EXPECT_EQ(s->second, r.sig.key()) << r.file << ": two signatures, one crash state:\n"
                                      << c.state;
    for (const FindingRun& o : runs)
      same_verdict_pair |= o.sig.verdict == r.sig.verdict && o.sig.key() != r.sig.key();
  }
  EXPECT_GE(state_of_key.size(), 3u);
  EXPECT_TRUE(same_verdict_pair) << "want two signatures of one verdict among the files";
  // Without the assertion line every finding had the same state.
  EXPECT_EQ(crash_state(kAbortStack).state, "fuzz::on_finding\n");
}

}  // namespace
