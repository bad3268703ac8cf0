// The stop-on filter (harness/program/finding_filter.h): its grammar, its match on
// verdict and site function, its place in the options table, and that the sites
// real findings carry are the ones it reads.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/program/executor.h"
#include "harness/program/finding_filter.h"
#include "harness/program/options.h"
#include "harness/program/text.h"

namespace {

using program::FindingFilter;
using rt::Verdict;

FindingFilter parsed(const char* text) {
  FindingFilter f;
  std::string err;
  EXPECT_TRUE(FindingFilter::parse(text, &f, &err)) << text << ": " << err;
  return f;
}

std::string parse_error(const char* text) {
  FindingFilter f = parsed("deadlock");
  std::string err;
  EXPECT_FALSE(FindingFilter::parse(text, &f, &err)) << text;
  EXPECT_EQ(f.text(), "deadlock") << "a failed parse must leave the filter alone";
  return err;
}

TEST(FindingFilter, EmptySelectsEverything) {
  const FindingFilter f = parsed("");
  EXPECT_TRUE(f.empty());
  EXPECT_TRUE(f.matches(Verdict::kDeadlock, ""));
  EXPECT_TRUE(f.matches(Verdict::kLostRequest, "damon_call:wait_for_completion"));
}

TEST(FindingFilter, VerdictAndSiteFunction) {
  const FindingFilter f = parsed("lost-request@damos_walk,watchdog-hang@damos_walk");
  EXPECT_FALSE(f.empty());
  EXPECT_EQ(f.text(), "lost-request@damos_walk,watchdog-hang@damos_walk");
  EXPECT_TRUE(f.matches(Verdict::kLostRequest, "damos_walk:wait_for_completion"));
  EXPECT_TRUE(f.matches(Verdict::kWatchdogHang, "damos_walk:wait_for_completion"));
  EXPECT_TRUE(f.matches(Verdict::kLostRequest, "damos_walk"));
  EXPECT_FALSE(f.matches(Verdict::kDeadlock, "damos_walk:wait_for_completion"));
  EXPECT_FALSE(f.matches(Verdict::kLostRequest, "damon_call:wait_for_completion"));
  EXPECT_FALSE(f.matches(Verdict::kLostRequest, "damos_walk_cancel:unset request"))
      << "@FUNC names a whole function, not a prefix";
  EXPECT_FALSE(f.matches(Verdict::kLostRequest, ""));
}

TEST(FindingFilter, VerdictAloneSelectsAnySite) {
  const FindingFilter f = parsed("use-after-free,deadlock");
  EXPECT_TRUE(f.matches(Verdict::kUseAfterFree, "damos_walk_cancel:mark canceled"));
  EXPECT_TRUE(f.matches(Verdict::kDeadlock, ""));
  EXPECT_FALSE(f.matches(Verdict::kLeak, ""));
}

TEST(FindingFilter, ExclusionsWinOverInclusions) {
  const FindingFilter only_out =
      parsed("-return-contract,-use-after-free@is_repeat_after_queueing");
  EXPECT_TRUE(only_out.matches(Verdict::kDeadlock, "damos_walk:wait_for_completion"))
      << "with exclusions only, everything else is selected";
  EXPECT_FALSE(only_out.matches(Verdict::kReturnContract, "damos_walk:return"));
  EXPECT_FALSE(only_out.matches(Verdict::kUseAfterFree, "is_repeat_after_queueing:read repeat"));
  EXPECT_TRUE(only_out.matches(Verdict::kUseAfterFree, "damos_walk_cancel:mark canceled"));
  const FindingFilter mixed = parsed("use-after-free,-use-after-free@damos_walk_cancel");
  EXPECT_TRUE(mixed.matches(Verdict::kUseAfterFree, "damon_call_control_run:run callback"));
  EXPECT_FALSE(mixed.matches(Verdict::kUseAfterFree, "damos_walk_cancel:mark canceled"));
  EXPECT_FALSE(mixed.matches(Verdict::kDeadlock, "damos_walk:wait_for_completion"))
      << "an inclusion still limits what is selected";
  EXPECT_NE(parse_error("-").find("unknown verdict"), std::string::npos);
}

TEST(FindingFilter, ADeadlockIsWhereItsClientWaits) {
  rt::Finding f;
  f.verdict = Verdict::kDeadlock;
  f.site = "?";
  f.tid = 1;
  f.blocked.push_back({.tid = 3, .wait_site = "teardown_body:wait for client"});
  f.blocked.push_back({.tid = 1, .wait_site = "damos_walk:wait_for_completion"});
  EXPECT_EQ(FindingFilter::site_of(f), "damos_walk:wait_for_completion");
  EXPECT_TRUE(parsed("deadlock@damos_walk").matches(Verdict::kDeadlock, f));
  EXPECT_FALSE(parsed("deadlock@teardown_body").matches(Verdict::kDeadlock, f));
  f.site = "damon_call:wait_for_completion";
  EXPECT_EQ(FindingFilter::site_of(f), "damon_call:wait_for_completion");
}

TEST(FindingFilter, BadTextIsRejectedWithTheSpec) {
  EXPECT_EQ(parse_error("lost-wakeup"),
            "unknown verdict 'lost-wakeup' in 'lost-wakeup' ([-]VERDICT[@FUNC],...)");
  EXPECT_NE(parse_error("ok").find("unknown verdict 'ok'"), std::string::npos);
  EXPECT_NE(parse_error(",deadlock").find("unknown verdict ''"), std::string::npos);
  EXPECT_NE(parse_error("deadlock@").find("bad function name ''"), std::string::npos);
  EXPECT_NE(parse_error("deadlock@a@b").find("bad function name 'a@b'"), std::string::npos);
  EXPECT_NE(parse_error("deadlock@a:b").find("bad function name"), std::string::npos);
}

TEST(FindingFilter, DeclaredOnceInTheOptionsTable) {
  const program::OptionSpec* o = program::find_option("stop-on");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->env, "DWH_STOP_ON");
  EXPECT_EQ(o->default_value, "");
  EXPECT_EQ(program::option_help(*o).find("default:"), std::string::npos);
  program::Settings s;
  std::string err;
  setenv("DWH_STOP_ON", "lost-request@damos_walk", 1);
  ASSERT_TRUE(program::settings_from_env(&s, &err)) << err;
  EXPECT_EQ(s.stop_on.text(), "lost-request@damos_walk");
  EXPECT_NE(program::describe_settings(s).find("stop-on=lost-request@damos_walk"),
            std::string::npos);
  ASSERT_TRUE(program::set_option(&s, "stop-on", "", &err)) << err;
  EXPECT_TRUE(s.stop_on.empty());
  setenv("DWH_STOP_ON", "nope", 1);
  EXPECT_FALSE(program::settings_from_env(&s, &err));
  EXPECT_EQ(err.rfind("DWH_STOP_ON=nope: unknown verdict 'nope'", 0), 0u) << err;
  unsetenv("DWH_STOP_ON");
  EXPECT_FALSE(program::set_option(&s, "stop-on", "deadlock@", &err));
  EXPECT_EQ(err.rfind("--stop-on: bad function name", 0), 0u) << err;
}

// A real finding: the site the executor reports is where the filter looks.
TEST(FindingFilter, ReadsTheSiteOfARealFinding) {
  program::Program p;
  program::ParseError perr;
  ASSERT_TRUE(program::parse_program(
      "damon-harness program v1\ncpu0: start ctx0\ncpu0: walk ctx0\ncpu0: walk ctx0\n"
      "cpu1: stop ctx0\ncpu1: start ctx0\ncpu2: commit ctx0 schemes=2 intervals=1,4 wmarks=on "
      "fail\n",
      &p, &perr));
  program::Settings s;
  std::string err;
  const program::ProfileInfo* profile = program::settings_profile(s, &err);
  ASSERT_NE(profile, nullptr) << err;
  s.strategy = program::StrategyKind::kRandom;
  const FindingFilter deadlock_in_walk = parsed("deadlock@damos_walk");
  const FindingFilter deadlock_in_call = parsed("deadlock@damon_call");
  bool seen = false;
  for (uint64_t run = 0; run < 2000 && !seen; run++) {
    const program::Outcome o = program::execute(p, program::make_run_config(s, profile, run));
    if (o.verdict != Verdict::kDeadlock) continue;
    seen = true;
    ASSERT_FALSE(o.run.findings.empty());
    const rt::Finding& f = o.run.findings[0];
    EXPECT_TRUE(deadlock_in_walk.matches(o.verdict, f)) << f.message;
    EXPECT_FALSE(deadlock_in_call.matches(o.verdict, f)) << f.message;
  }
  EXPECT_TRUE(seen) << "no deadlock in 2000 random runs of walk-vs-restart on pause-rfc";
}

// The review thread's lost request as a program (docs/benchmarks.md): on
// pause-rfc its own schedule ends in lost-request with the waiter in damos_walk.
constexpr const char* kReviewProgram =
    "damon-harness program v1\n"
    "cpu0: start ctx0\n"
    "cpu1: commit ctx0 schemes=0 wmarks=on\n"
    "cpu1: walk ctx0\n"
    "cpu1: walk ctx0\n"
    "schedule: 0:1 24:0 9:4 10:4 11:1\n";

struct Result {
  int code = -1;
  std::string out;  // stdout and stderr
};

// Runs a binary built beside this test; "{program}" in its arguments names a
// file holding kReviewProgram.
Result run_on_review_program(const std::string& env, const std::string& cmd_args) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::read_symlink("/proc/self/exe").parent_path();
  const fs::path tmp = fs::temp_directory_path();
  const std::string id = std::to_string(getpid());
  const fs::path prog = tmp / ("finding_filter_test." + id + ".txt");
  const fs::path log = tmp / ("finding_filter_test." + id + ".log");
  std::ofstream(prog) << kReviewProgram;
  std::string args = cmd_args;
  args.replace(args.find("{program}"), 9, prog.string());
  const std::string cmd = env + " " + (dir / args).string();
  const int status = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream ss;
  ss << std::ifstream(log).rdbuf();
  r.out = ss.str();
  fs::remove(prog);
  fs::remove(log);
  return r;
}

TEST(FindingFilter, DamonHarnessRunCountsWhatItDoesNotSelect) {
  const std::string run = "damon-harness run {program} --profile pause-rfc";
  Result r = run_on_review_program("", run + " --stop-on lost-request@damos_walk");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.out.rfind("lost-request: lost request: cpu1", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("0 finding(s) not selected"), std::string::npos) << r.out;
  r = run_on_review_program("", run + " --stop-on lost-request@damos_walk_cancel,deadlock");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("ok: no finding in 1 run(s)", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("1 finding(s) not selected by --stop-on "
                       "lost-request@damos_walk_cancel,deadlock, ignored: lost-request=1"),
            std::string::npos)
      << r.out;
  r = run_on_review_program("DWH_STOP_ON=deadlock", run);
  EXPECT_EQ(r.code, 0) << "the environment is read too: " << r.out;
  r = run_on_review_program("", run + " --stop-on lost-request@");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--stop-on: bad function name"), std::string::npos) << r.out;
}

// The fuzz target in replay mode (the dev build has no libFuzzer): a finding the
// filter passes over is counted apart and is no finding.
TEST(FindingFilter, FuzzTargetSkipsWhatItDoesNotSelect) {
  const std::string env = "DAMON_PROFILE=pause-rfc DWH_STOP_ON=";
  Result r = run_on_review_program(env + "lost-request@damos_walk", "fuzz_walk_sim {program}");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find(": 1 finding(s), 0 bad input"), std::string::npos) << r.out;
  r = run_on_review_program(env + "use-after-free", "fuzz_walk_sim {program}");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(": 0 finding(s), 0 bad input"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ignoring lost-request findings not selected by stop-on use-after-free "
                       "(first at damos_walk:wait_for_completion)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 finding(s) not selected by stop-on use-after-free, ignored: "
                       "lost-request=1"),
            std::string::npos)
      << r.out;
}

}  // namespace
