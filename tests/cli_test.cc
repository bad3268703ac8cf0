// damon-harness, end to end: exit codes, error locations, finding files and the
// formats, by running the built binary (found beside this test, in bin/). Also
// the program-layer pieces the front ends share: options, finding, load.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command.h"
#include "harness/program/finding.h"
#include "harness/program/load.h"
#include "harness/program/options.h"
#include "harness/program/text.h"
#include "temp_dir.h"

namespace {

namespace fs = std::filesystem;

fs::path bin_dir() {
  return fs::read_symlink("/proc/self/exe").parent_path();
}
fs::path seeds() {
  return fs::path(DWH_SOURCE_DIR) / "corpus" / "seeds";
}

using Result = dwh_testing::CommandResult;

Result run(const std::string& args, const std::string& env = "") {
  return dwh_testing::run_command(env + " " + (bin_dir() / "damon-harness").string() + " " + args,
                                  "cli_test");
}

class TempDir : public dwh_testing::TempDir {
 public:
  TempDir() : dwh_testing::TempDir("cli_test") {}
};

// From v7.0.y on, damos_walk() on a context never started is the caller's fault
// (kernel-doc): a finding that does not depend on the model's protocol choices.
constexpr const char* kCallerBug =
    "damon-harness program v1\n# walk before any start\ncpu0: is_running ctx0\ncpu0: walk "
    "ctx0\n";

TEST(Cli, RunSeedPrintsVerdictProfileAndSeed) {
  const Result r = run("run " + (seeds() / "start-stop.txt").string() + " --profile pause-rfc");
  EXPECT_TRUE(r.code == 0 || r.code == 1) << r.out;
  EXPECT_NE(r.out.find("profile=pause-rfc"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed=0"), std::string::npos) << r.out;
  EXPECT_EQ(run((seeds() / "start-stop.txt").string()).code, 2) << "a file is not a subcommand";
}

TEST(Cli, FindingExitsOneWithReplayCommand) {
  TempDir d;
  const std::string f = d.file("bug.txt", kCallerBug);
  const Result r = run("run " + f + " --profile v7.0.y");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("caller-contract"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replay: damon-harness run " + f + " --profile v7.0.y"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("replay check: same verdict and trace hash"), std::string::npos) << r.out;
}

TEST(Cli, BadInputExitsTwoWithLocation) {
  TempDir d;
  const std::string bad = d.file("bad.txt", "damon-harness program v1\ncpu0: wlk ctx0\n");
  Result r = run("run " + bad);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(bad + ":2:7: error: unknown operation 'wlk'"), std::string::npos) << r.out;

  r = run("run " + (d.path() / "missing.txt").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("missing.txt: error: cannot read"), std::string::npos) << r.out;

  const std::string ok = d.file("ok.txt", kCallerBug);
  r = run("run " + ok + " --profile v9.99");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown profile 'v9.99'"), std::string::npos) << r.out;
  EXPECT_EQ(run("run " + ok, "DAMON_PROFILE=v9.99").code, 2);
  EXPECT_EQ(run("run " + ok + " --strategy sideways").code, 2);
  EXPECT_EQ(run("run").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
}

TEST(Cli, OutWritesAFindingFileThatReplaysAndChecks) {
  TempDir d;
  const std::string f = d.file("bug.txt", kCallerBug);
  const std::string out = (d.path() / "out").string();
  ASSERT_EQ(
      run("run " + f + " --profile v7.0.y --strategy random --runs 3 --seed 5 --out " + out).code,
      1);
  std::vector<std::string> files;
  std::string err;
  ASSERT_TRUE(program::list_inputs(out, &files, &err)) << err;
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(files[0].find("finding-caller-contract-"), std::string::npos);
  std::string text;
  ASSERT_TRUE(program::read_file(files[0], &text, &err));
  EXPECT_NE(text.find("# replay: damon-harness run " + files[0] + " --profile v7.0.y"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# expect v7.0.y: caller-contract"), std::string::npos) << text;
  EXPECT_EQ(run("run " + files[0] + " --profile v7.0.y").code, 1);
  const Result c = run("check " + out);
  EXPECT_EQ(c.code, 0) << c.out;
  EXPECT_NE(c.out.find("1 passed, 0 failed"), std::string::npos) << c.out;
}

TEST(Cli, CheckReportsMismatchesAndBadExpectations) {
  TempDir d;
  d.file("wrong.txt", std::string(kCallerBug) + "# expect v6.19: ok\n");
  d.file("right.txt", std::string(kCallerBug) + "# expect v6.19: caller-contract\n");
  d.file("fuzzer-bytes", std::string("\x00\x01\x01", 3));
  Result r = run("check " + d.path().string());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos) << r.out;
  EXPECT_EQ(run("check " + d.path().string() + " --profile v7.0.y").code, 0);

  const std::string typo = d.file("typo.txt", std::string(kCallerBug) + "# expect v9: ok\n");
  r = run("check " + typo);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(typo + ":5:"), std::string::npos) << r.out;
}

TEST(Cli, EncodeDecodeRoundTrip) {
  TempDir d;
  const std::string src = (seeds() / "walk-vs-restart.txt").string();
  const std::string bytes = (d.path() / "walk.bin").string();
  ASSERT_EQ(run("encode " + src + " -o " + bytes).code, 0);
  program::Program from_text, from_bytes;
  std::string err;
  program::InputFormat format;
  ASSERT_TRUE(program::load_program(src, &from_text, &err)) << err;
  ASSERT_TRUE(program::load_program(bytes, &from_bytes, &err, &format)) << err;
  EXPECT_EQ(format, program::InputFormat::kBytes);
  EXPECT_TRUE(from_text == from_bytes);

  const Result dec = run("decode " + bytes);
  ASSERT_EQ(dec.code, 0) << dec.out;
  program::Program decoded;
  program::ParseError pe;
  ASSERT_TRUE(program::parse_program(dec.out, &decoded, &pe)) << pe.format("decode") << dec.out;
  EXPECT_TRUE(decoded == from_text);
  EXPECT_EQ(run("encode " + bytes + " -o " + bytes + ".2").code, 2) << "bytes are not text";
}

TEST(Cli, JsonAndTrace) {
  TempDir d;
  const std::string f = d.file("bug.txt", kCallerBug);
  const Result r = run("run " + f + " --json --trace --profile mm-new");
  EXPECT_EQ(r.code, 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "caller-contract");
  EXPECT_EQ(j["profile"], "mm-new");
  EXPECT_FALSE(j["trace"].empty());
  EXPECT_EQ(j["results"].size(), 2u);
}

TEST(Cli, ProfilesAndHelpComeFromTheTables) {
  const Result r = run("profiles");
  EXPECT_EQ(r.code, 0);
  for (const program::ProfileInfo& p : program::profiles())
    EXPECT_NE(r.out.find(std::string(p.name)), std::string::npos) << p.name;
  const Result h = run("run --help");
  EXPECT_EQ(h.code, 0);
  for (const program::OptionSpec& o : program::option_table()) {
    if (o.name == "interleaving-feedback" || o.name == "object-feedback" ||
        o.name == "on-finding" || o.name == "store")
      continue;  // fuzz targets only
    EXPECT_NE(h.out.find("--" + std::string(o.name)), std::string::npos) << o.name;
  }
  EXPECT_NE(h.out.find("DAMON_PROFILE"), std::string::npos);
}

// README names the shared knobs; each one it names is a row of options.def.
TEST(Options, ReadmeNamesOnlyKnobsOfTheTable) {
  std::ifstream in(fs::path(DWH_SOURCE_DIR) / "README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  const size_t at = readme.find("The knobs of a run");
  ASSERT_NE(at, std::string::npos) << "README's knob paragraph moved";
  const std::string para = readme.substr(at, readme.find("\n\n", at) - at);
  int named = 0;
  for (size_t i = para.find("`--"); i != std::string::npos; i = para.find("`--", i + 1)) {
    const size_t end = para.find('`', i + 1);
    const std::string name = para.substr(i + 3, end - i - 3);
    EXPECT_NE(program::find_option(name), nullptr) << "README names --" << name;
    named++;
  }
  EXPECT_GE(named, 3);
}

TEST(Options, EnvironmentThenCommandLine) {
  program::Settings s;
  std::string err;
  setenv("DAMON_PROFILE", "v6.14", 1);
  setenv("DWH_INTERLEAVING_FEEDBACK", "1", 1);
  setenv("DWH_OBJECT_FEEDBACK", "0", 1);
  ASSERT_TRUE(program::settings_from_env(&s, &err)) << err;
  EXPECT_EQ(s.profile, "v6.14");
  EXPECT_TRUE(s.interleaving_feedback);
  EXPECT_FALSE(s.object_feedback);
  ASSERT_TRUE(program::set_option(&s, "profile", "mm-new", &err)) << err;
  EXPECT_EQ(s.profile, "mm-new");
  EXPECT_FALSE(program::set_option(&s, "runs", "0", &err));
  EXPECT_EQ(err, "--runs: must be at least 1");
  setenv("DAMON_PROFILE", "nope", 1);
  EXPECT_FALSE(program::settings_from_env(&s, &err));
  EXPECT_EQ(err.rfind("DAMON_PROFILE=nope: unknown profile", 0), 0u) << err;
  unsetenv("DAMON_PROFILE");
  unsetenv("DWH_INTERLEAVING_FEEDBACK");
  unsetenv("DWH_OBJECT_FEEDBACK");
  for (const program::OptionSpec& o : program::option_table()) {
    program::Settings d;
    EXPECT_TRUE(o.set(&d, o.default_value, &err)) << o.name << ": " << err;
  }
}

TEST(Finding, FileParsesAndNoDetailLineReadsAsAnExpectation) {
  program::FindingFile f;
  program::ParseError err;
  ASSERT_TRUE(program::parse_program("damon-harness program v1\ncpu0: walk ctx0\nschedule: 1:0\n",
                                     &f.program, &err));
  f.verdict = rt::Verdict::kLostRequest;
  f.finding.message = "cpu0 waits\nforever";
  f.finding.detail = "expect nothing: ok\n# expect v6.14: ok\n";
  f.profile = "pause-rfc";
  f.max_steps = 20000;
  const std::string text = program::format_finding(f, "x.txt");
  program::Program back;
  ASSERT_TRUE(program::parse_program(text, &back, &err)) << err.format("x.txt") << text;
  EXPECT_TRUE(back == f.program);
  ASSERT_EQ(back.expects.size(), 1u) << text;
  EXPECT_EQ(back.expects[0].profile, "pause-rfc");
  EXPECT_NE(text.find("# replay: damon-harness run x.txt --profile pause-rfc --max-steps 20000"),
            std::string::npos)
      << text;
  EXPECT_EQ(program::finding_file_name(f).rfind("finding-lost-request-", 0), 0u);
}

}  // namespace
