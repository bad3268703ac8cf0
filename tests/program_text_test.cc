#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/program/executor.h"
#include "harness/program/op.h"
#include "harness/program/text.h"
#include "harness/runtime/schedule.h"
#include "harness/runtime/verdict.h"
#include "tests/program_testing.h"

namespace program {
namespace {

constexpr std::string_view kHeader = "damon-harness program v1\n";

Program parse_ok(std::string_view text) {
  Program p;
  ParseError err;
  EXPECT_TRUE(parse_program(text, &p, &err)) << err.format("<test>");
  return p;
}

ParseError parse_err(std::string_view text) {
  Program p;
  ParseError err;
  EXPECT_FALSE(parse_program(text, &p, &err)) << text;
  return err;
}

Op parse_one(const std::string& op_text) {
  const Program p = parse_ok(std::string(kHeader) + "cpu0: " + op_text + "\n");
  EXPECT_EQ(p.ops[0].size(), 1u) << op_text;
  return p.ops[0].empty() ? Op{} : p.ops[0][0];
}

// Every canonical op form: parsing then printing gives the same text back.
const char* const kCanonicalOps[] = {
    "start ctx0",
    "start ctx1",
    "start ctx0+ctx1",
    "start ctx0+ctx1 exclusive",
    "start ctx1 exclusive",
    "stop ctx0",
    "stop ctx0+ctx1",
    "pause ctx0",
    "resume ctx1",
    "walk ctx0",
    "walk ctx1",
    "call ctx0",
    "call ctx1 repeat",
    "call ctx0 repeat dealloc",
    "commit ctx0 schemes=0 wmarks=on",
    "commit ctx1 schemes=1 intervals=8 wmarks=off",
    "commit ctx0 schemes=2 intervals=1,4 wmarks=on",
    "commit ctx0 schemes=3 intervals=8,1,2 wmarks=off fail",
    "invalidate ctx0",
    "recreate ctx1",
    "fault kthread",
    "fault alloc",
    "sleep 1",
    "sleep 10",
    "sleep 1000",
    "is_running ctx0",
};

TEST(ProgramText, CanonicalOpsRoundTripAndCoverEveryKind) {
  std::set<OpKind> kinds;
  for (const char* text : kCanonicalOps) {
    const Op op = parse_one(text);
    EXPECT_EQ(format_op(op), text);
    kinds.insert(op.kind);
  }
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kNumOpKinds));
}

TEST(ProgramText, OpFieldsAreParsed) {
  Op op = parse_one("start ctx0+ctx1 exclusive");
  EXPECT_EQ(op.kind, OpKind::kStart);
  EXPECT_EQ(op.ctx_mask, 3);
  EXPECT_TRUE(op.exclusive);
  op = parse_one("commit ctx1 schemes=2 intervals=1,4 wmarks=off fail");
  EXPECT_EQ(op.kind, OpKind::kCommit);
  EXPECT_EQ(op.ctx(), 1);
  EXPECT_EQ(op.nr_schemes, 2);
  EXPECT_EQ(op.interval[0], 1);
  EXPECT_EQ(op.interval[1], 4);
  EXPECT_EQ(op.interval[2], Op{}.interval[2]);  // unused: default
  EXPECT_FALSE(op.wmarks_active);
  EXPECT_TRUE(op.fail);
  EXPECT_EQ(parse_one("call ctx0 repeat dealloc").call, CallMode::kRepeatDealloc);
  EXPECT_EQ(parse_one("fault alloc").fault, FaultKind::kAlloc);
  EXPECT_EQ(parse_one("sleep 250").sleep_ms, 250);
  EXPECT_EQ(parse_one("is_running ctx1").ctx_mask, 2);
}

TEST(ProgramText, UnusedFieldsKeepDefaults) {
  Op expected;
  expected.kind = OpKind::kSleep;
  expected.sleep_ms = 5;
  EXPECT_EQ(parse_one("sleep 5"), expected);
  expected = Op{};
  expected.kind = OpKind::kWalk;
  expected.ctx_mask = 2;
  EXPECT_EQ(parse_one("walk ctx1"), expected);
}

TEST(ProgramText, ExtraSpacesAndFieldOrderAreAccepted) {
  EXPECT_EQ(format_op(parse_one("  start \t ctx0+ctx1   exclusive  ")),
            "start ctx0+ctx1 exclusive");
  EXPECT_EQ(format_op(parse_one("commit ctx0 fail wmarks=off intervals=3,2 schemes=2")),
            "commit ctx0 schemes=2 intervals=3,2 wmarks=off fail");
  EXPECT_EQ(format_op(parse_one("commit ctx0")), "commit ctx0 schemes=1 intervals=1 wmarks=on");
  const Program p = parse_ok("damon-harness   program  v1\n  cpu1 :  walk ctx0\r\n");
  EXPECT_EQ(p.ops[1].size(), 1u);
}

TEST(ProgramText, WholeProgramPrintsCanonically) {
  const std::string text =
      "damon-harness program v1\n"
      "# found by the fuzzer\n"
      "#\n"
      "# expect pause-rfc: lost-request\n"
      "# expect v6.19: ok\n"
      "cpu0: walk ctx0\n"
      "cpu0: sleep 10\n"
      "cpu1: start ctx0 exclusive\n"
      "cpu2: commit ctx1 schemes=2 intervals=1,4 wmarks=off fail\n"
      "schedule: 3:1 0:2\n";
  const Program p = parse_ok(text);
  EXPECT_EQ(print_program(p), text);
  EXPECT_EQ(p.nr_clients(), 3);
  EXPECT_EQ(p.nr_ops(), 4u);
  ASSERT_EQ(p.comments.size(), 2u);
  EXPECT_EQ(p.comments[0], "found by the fuzzer");
  EXPECT_EQ(p.comments[1], "");
  ASSERT_EQ(p.expects.size(), 2u);
  EXPECT_EQ(p.expects[0].profile, "pause-rfc");
  EXPECT_EQ(p.expects[0].verdict, rt::Verdict::kLostRequest);
  EXPECT_EQ(p.expects[1].verdict, rt::Verdict::kOk);
  EXPECT_EQ(p.schedule.preemptions, (std::vector<rt::Preemption>{{3, 1}, {0, 2}}));
}

TEST(ProgramText, PrintIsStableForMessyInput) {
  const std::string messy =
      "\n# before the header\n"
      "damon-harness program v1\n"
      "cpu1: call ctx1  repeat\n"
      "# expect x:   deadlock\n"
      "cpu0:walk ctx1\n"
      "# dropped: comments after the first op annotate lines\n"
      "schedule:  5:0   7:1\n"
      "cpu1: stop ctx1+ctx0\n";
  const std::string once = print_program(parse_ok(messy));
  EXPECT_EQ(print_program(parse_ok(once)), once);
  EXPECT_EQ(once,
            "damon-harness program v1\n"
            "# before the header\n"
            "# expect x: deadlock\n"
            "cpu0: walk ctx1\n"
            "cpu1: call ctx1 repeat\n"
            "cpu1: stop ctx0+ctx1\n"
            "schedule: 5:0 7:1\n");
}

// The setup block (v2): printed after the expectations and before the
// clients, in its own order; a program without one prints as v1.
TEST(ProgramText, SetupBlockRoundTrips) {
  const std::string text =
      "damon-harness program v2\n"
      "# the context is stopped; then, concurrently:\n"
      "# expect v7.0-rc: lost-request\n"
      "setup: start ctx0\n"
      "setup: stop ctx0\n"
      "cpu0: walk ctx0\n"
      "cpu1: start ctx0\n"
      "schedule: 3:1\n";
  const Program p = parse_ok(text);
  EXPECT_EQ(print_program(p), text);
  ASSERT_EQ(p.setup.size(), 2u);
  EXPECT_EQ(p.setup[0].kind, OpKind::kStart);
  EXPECT_EQ(p.setup[1].kind, OpKind::kStop);
  EXPECT_EQ(p.nr_ops(), 2u);
  EXPECT_EQ(p.nr_clients(), 2);
  // Interleaved with client lines on input, grouped on output.
  const Program q = parse_ok(
      "damon-harness program v2\ncpu0: walk ctx0\nsetup: start ctx0\ncpu1: start ctx0\n"
      "setup:stop   ctx0\nschedule: 3:1\n# expect v7.0-rc: lost-request\n");
  EXPECT_EQ(q, p);
  Program r = p;
  r.setup.pop_back();
  EXPECT_FALSE(r == p);  // the setup block is part of the program
  r.setup.clear();
  EXPECT_TRUE(print_program(r).starts_with("damon-harness program v1\n"));
  EXPECT_EQ(parse_ok(print_program(r)), r);
}

TEST(ProgramText, SetupBlockNeedsV2AndIsBounded) {
  ParseError e = parse_err(std::string(kHeader) + "setup: start ctx0\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "'setup:' needs format v2 (the header says v1)");
  std::string many = "damon-harness program v2\n";
  for (int i = 0; i <= kMaxSetupOps; i++) many += "setup: sleep 1\n";
  e = parse_err(many);
  EXPECT_EQ(e.line, kMaxSetupOps + 2);
  EXPECT_EQ(e.message, fmt::format("too many setup operations (at most {})", kMaxSetupOps));
  e = parse_err("damon-harness program v2\nsetup: walk ctx7\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.message, "ctx index 7 out of range (0..1)");
}

TEST(ProgramText, MultiLineCommentsPrintAsSeveralLines) {
  Program p;
  p.comments = {"replay:\n  damon-harness replay x.txt"};
  EXPECT_EQ(print_program(p),
            "damon-harness program v1\n# replay:\n#   damon-harness replay x.txt\n");
}

struct ErrorCase {
  std::string text;
  int line, column;
  std::string message;
};

TEST(ProgramText, ErrorsPointAtTheOffendingToken) {
  const std::string h(kHeader);
  const ErrorCase cases[] = {
      {"", 1, 1, "missing header 'damon-harness program v2'"},
      {"# only a comment\n", 1, 1, "missing header 'damon-harness program v2'"},
      {"cpu0: walk ctx0\n", 1, 1, "missing header 'damon-harness program v2'"},
      {"damon-harness program v3\n", 1, 23, "unsupported format version 3"},
      {"damon-harness program\n", 1, 1, "missing header 'damon-harness program v2'"},
      {"damon-harness program vx\n", 1, 23, "missing header 'damon-harness program v2'"},
      {"damon-harness  program  v17\n", 1, 25, "unsupported format version 17"},
      {h + "cpu0: wlk ctx0\n", 2, 7, "unknown operation 'wlk'"},
      {h + "\ncpu0: walk ctx5\n", 3, 12, "ctx index 5 out of range (0..1)"},
      {h + "cpu0: walk ctx\n", 2, 12, "expected 'ctxN', got 'ctx'"},
      {h + "cpu0: walk  \n", 2, 11, "missing 'ctxN'"},
      {h + "cpu0: walk ctx0+ctx1\n", 2, 16, "'walk' takes a single ctx"},
      {h + "cpu0: start ctx1+ctx1\n", 2, 18, "ctx1 listed twice"},
      {h + "cpu0: start ctx0+ctx2\n", 2, 18, "ctx index 2 out of range (0..1)"},
      {h + "cpu0: stop ctx0 exclusive\n", 2, 17, "unexpected 'exclusive' after 'ctx0'"},
      {h + "cpu0: walk ctx0 now\n", 2, 17, "unexpected 'now' after 'ctx0'"},
      {h + "cpu0: call ctx0 dealloc\n", 2, 17, "unexpected 'dealloc' after 'ctx0'"},
      {h + "cpu3: walk ctx0\n", 2, 1, "client index 3 out of range (0..2)"},
      {h + "cpux: walk ctx0\n", 2, 1, "expected 'cpuN', 'setup' or 'schedule', got 'cpux'"},
      {h + "walk ctx0\n", 2, 1,
       "expected 'cpuN: <op>', 'setup: <op>', 'schedule: <delay:tid ...>' or '# ...'"},
      {h + "cpu0: sleep 0\n", 2, 13, "sleep 0 out of range (1..1000)"},
      {h + "cpu0: sleep 1001\n", 2, 13, "sleep 1001 out of range (1..1000)"},
      {h + "cpu0: sleep 1x\n", 2, 13, "expected a number for sleep, got '1x'"},
      {h + "cpu0: sleep\n", 2, 12, "missing sleep time in ms"},
      {h + "cpu0:\n", 2, 6, "missing operation"},
      {h + "cpu0: fault disk\n", 2, 13, "expected 'kthread' or 'alloc'"},
      {h + "cpu0: commit ctx0 schemes=4\n", 2, 27, "schemes 4 out of range (0..3)"},
      {h + "cpu0: commit ctx0 schemes=2 intervals=1,9\n", 2, 41, "interval 9 out of range (1..8)"},
      {h + "cpu0: commit ctx0 schemes=2 intervals=1\n", 2, 29,
       "schemes=2 takes 2 intervals, got 1"},
      {h + "cpu0: commit ctx0 schemes=0 intervals=1\n", 2, 29, "schemes=0 takes no intervals"},
      {h + "cpu0: commit ctx0 wmarks=maybe\n", 2, 26, "wmarks must be 'on' or 'off', got 'maybe'"},
      {h + "cpu0: commit ctx0 fail fail\n", 2, 24, "commit field 'fail' given twice"},
      {h + "cpu0: commit ctx0 schemes=1 schemes=2\n", 2, 29, "commit field 'schemes' given twice"},
      {h + "cpu0: commit ctx0 quick\n", 2, 19, "unknown commit field 'quick'"},
      {h + "# expect v6.19: fine\n", 2, 17, "unknown verdict 'fine'"},
      {h + "# expect v6.19 deadlock\n", 2, 9, "expected '# expect <profile>: <verdict>'"},
      {h + "# expect v6.19:\n", 2, 16, "missing verdict after ':'"},
      {h + "# expect v6.19: ok deadlock\n", 2, 20, "unexpected 'deadlock'"},
      {h + "schedule: 1:2\nschedule: 3:4\n", 3, 1, "second schedule line"},
      {h + "schedule: 1:2 3x4\n", 2, 16, "expected ':' after the delay"},
      {h + "schedule: 1:256\n", 2, 13, "expected a thread id in 0..255 after ':'"},
  };
  for (const ErrorCase& c : cases) {
    const ParseError err = parse_err(c.text);
    EXPECT_EQ(err.message, c.message) << c.text;
    EXPECT_EQ(err.line, c.line) << c.text;
    EXPECT_EQ(err.column, c.column) << c.text;
  }
}

TEST(ProgramText, TooManyOpsForOneClient) {
  std::string text(kHeader);
  for (int i = 0; i <= kMaxOpsPerClient; i++) text += "cpu2: walk ctx0\n";
  const ParseError err = parse_err(text);
  EXPECT_EQ(err.line, kMaxOpsPerClient + 2);
  EXPECT_EQ(err.message, "too many operations for cpu2 (at most 16)");
}

TEST(ProgramText, ErrorFormat) {
  const ParseError err = parse_err(std::string(kHeader) + "cpu0: wlk ctx0\n");
  EXPECT_EQ(err.format("a.txt"), "a.txt:2:7: error: unknown operation 'wlk'");
}

TEST(ProgramText, FailedParseLeavesOutputAlone) {
  Program p = parse_ok(std::string(kHeader) + "cpu0: walk ctx0\n");
  const Program before = p;
  ParseError err;
  EXPECT_FALSE(parse_program(std::string(kHeader) + "cpu0: walk ctx9\n", &p, &err));
  EXPECT_EQ(p, before);
}

TEST(ProgramText, LooksLikeText) {
  EXPECT_TRUE(looks_like_text(kHeader));
  EXPECT_TRUE(looks_like_text("\n# note\n  damon-harness program v2\n"));
  EXPECT_TRUE(looks_like_text("damon-harness  program v1"));
  EXPECT_FALSE(looks_like_text(""));
  EXPECT_FALSE(looks_like_text("# only comments\n"));
  EXPECT_FALSE(looks_like_text(std::string_view("\x04\x01\x00", 3)));
}

TEST(ScheduleText, FormatAndParse) {
  rt::Schedule s;
  EXPECT_EQ(rt::format_schedule(s), "");
  s.preemptions = {{12, 1}, {0, 3}, {4294967295u, 255}};
  EXPECT_EQ(rt::format_schedule(s), "12:1 0:3 4294967295:255");
  rt::Schedule back;
  size_t col = 0;
  std::string error;
  ASSERT_TRUE(rt::parse_schedule("  12:1\t0:3 4294967295:255 ", &back, &col, &error)) << error;
  EXPECT_EQ(back, s);
  EXPECT_FALSE(rt::parse_schedule("1:1 4294967296:0", &back, &col, &error));
  EXPECT_EQ(col, 4u);
  EXPECT_FALSE(rt::parse_schedule("1:1:1", &back, &col, &error));
  EXPECT_EQ(col, 3u);
  EXPECT_EQ(back, s);  // untouched on error
}

TEST(ScheduleText, PctFormatAndParse) {
  rt::Schedule s;
  s.pct = rt::PctSchedule{4711, {12, 40, 4096}};
  EXPECT_EQ(rt::format_schedule(s), "pct seed=4711 points=12,40,4096");
  rt::Schedule back;
  size_t col = 0;
  std::string error;
  ASSERT_TRUE(rt::parse_schedule(" pct  seed=4711 points=12,40,4096 ", &back, &col, &error))
      << error;
  EXPECT_EQ(back, s);
  s.pct->acquire_only = true;
  EXPECT_EQ(rt::format_schedule(s), "pct seed=4711 points=12,40,4096 at=acquire");
  ASSERT_TRUE(rt::parse_schedule(rt::format_schedule(s), &back, &col, &error)) << error;
  EXPECT_EQ(back, s);
  // Per-thread points print as T@N.
  s.pct->per_thread = true;
  s.pct->points = {rt::PctSchedule::thread_point(0, 3), rt::PctSchedule::thread_point(7, 512)};
  EXPECT_EQ(rt::format_schedule(s), "pct seed=4711 points=0@3,7@512 at=acquire");
  ASSERT_TRUE(rt::parse_schedule(rt::format_schedule(s), &back, &col, &error)) << error;
  EXPECT_EQ(back, s);
  EXPECT_EQ(rt::PctSchedule::point_tid(back.pct->points[1]), 7);
  EXPECT_EQ(rt::PctSchedule::point_count(back.pct->points[1]), 512u);
  s.pct->per_thread = false;
  s.pct->acquire_only = false;
  s.pct->points.clear();
  EXPECT_EQ(rt::format_schedule(s), "pct seed=4711 points=");
  ASSERT_TRUE(rt::parse_schedule(rt::format_schedule(s), &back, &col, &error)) << error;
  EXPECT_EQ(back, s);
  s.pct->acquire_only = true;
  ASSERT_TRUE(rt::parse_schedule(rt::format_schedule(s), &back, &col, &error)) << error;
  EXPECT_EQ(back, s);
  struct Bad {
    const char* text;
    size_t col;
    const char* message;
  };
  for (const Bad& b :
       {Bad{"pct points=1", 4, "expected 'seed=N' after 'pct'"},
        Bad{"pct seed=65536 points=1", 9, "expected a seed in 0..65535"},
        Bad{"pct seed=1", 10, "expected 'points=A,B,...'"},
        Bad{"pct seed=1 points=0", 18, "expected a change point in 1..4096"},
        Bad{"pct seed=1 points=3,4097", 20, "expected a change point in 1..4096"},
        Bad{"pct seed=1 points=1,2,3,4,5,6,7,8", 32, "more than 7 change points"},
        Bad{"pct seed=1 points=1 at=all", 20, "expected 'at=acquire'"},
        Bad{"pct seed=1 points=1,0@2", 20, "change points mix N and T@N"},
        Bad{"pct seed=1 points=0@2,1", 22, "change points mix N and T@N"},
        Bad{"pct seed=1 points=8@2", 18, "expected a thread id in 0..7 before '@'"},
        Bad{"pct seed=1 points=1@513", 20, "expected a count in 1..512 after '@'"},
        Bad{"pct seed=1 points=1 2:0", 20, "unexpected text after the PCT schedule"}}) {
    EXPECT_FALSE(rt::parse_schedule(b.text, &back, &col, &error)) << b.text;
    EXPECT_EQ(col, b.col) << b.text;
    EXPECT_EQ(error, b.message) << b.text;
  }
  EXPECT_EQ(back, s);  // untouched on error
}

// A PCT schedule is what fuzz_walk_sim mutates; the finding it writes holds the
// preemptions the run took, and those must replay the same run. The program is
// the review thread's scenario (docs/findings.md F6), whose two windows are one
// acquire wide each: change points 3 and 14 counted at acquires hit both.
TEST(ScheduleText, PctRunReplaysFromItsRecordedPreemptions) {
  Program p;
  ParseError err;
  ASSERT_TRUE(parse_program(std::string(kHeader) +
                                "cpu0: walk ctx0\n"
                                "cpu0: walk ctx0\n"
                                "cpu1: commit ctx0 schemes=1 intervals=1 wmarks=off\n"
                                "cpu1: start ctx0\n"
                                "schedule: pct seed=1 points=3,14 at=acquire\n",
                            &p, &err))
      << err.format("<pct>");
  RunConfig cfg;
  cfg.profile = program::find_profile("pause-rfc");
  ASSERT_NE(cfg.profile, nullptr);
  const Outcome pct = execute(p, cfg);
  EXPECT_EQ(pct.verdict, rt::Verdict::kLostRequest) << pct.summary();
  ASSERT_FALSE(pct.replay.schedule.pct.has_value());
  ASSERT_FALSE(pct.replay.schedule.preemptions.empty());
  const Outcome again = execute(pct.replay, cfg);
  EXPECT_EQ(again.verdict, pct.verdict);
  EXPECT_EQ(again.run.trace_hash, pct.run.trace_hash);
  // Counted over every decision instead, the same points miss both windows.
  p.schedule.pct->acquire_only = false;
  EXPECT_EQ(execute(p, cfg).verdict, rt::Verdict::kOk);
  // Per thread: cpu0's third acquire (the self-clear's lock, just after its
  // damon_is_running() check) and the new kdamond's (tid 4) fourth (the
  // cancel's second lock, just after its complete()).
  p.schedule.pct = rt::PctSchedule{
      1, {rt::PctSchedule::thread_point(0, 3), rt::PctSchedule::thread_point(4, 4)}, true, true};
  EXPECT_EQ(execute(p, cfg).verdict, rt::Verdict::kLostRequest);
  // The same counts hold with more operations on cpu1.
  p.ops[1].push_back(Op{});  // cpu1: is_running ctx0
  p.ops[1].push_back(Op{});
  EXPECT_EQ(execute(p, cfg).verdict, rt::Verdict::kLostRequest);
}

TEST(VerdictNames, RoundTripAndClassify) {
  const char* const names[] = {"ok",
                               "deadlock",
                               "lost-request",
                               "livelock",
                               "watchdog-hang",
                               "use-after-free",
                               "double-free",
                               "leak",
                               "return-contract",
                               "caller-contract",
                               "budget-exhausted",
                               "harness-bug"};
  for (int i = 0; i < 12; i++) {
    const auto v = static_cast<rt::Verdict>(i);
    EXPECT_EQ(rt::verdict_name(v), names[i]);
    rt::Verdict back = rt::Verdict::kOk;
    EXPECT_TRUE(rt::parse_verdict(names[i], &back));
    EXPECT_EQ(back, v);
    EXPECT_EQ(rt::is_hang(v), i >= 1 && i <= 4) << names[i];
    EXPECT_EQ(rt::is_protocol_bug(v), v != rt::Verdict::kOk && v != rt::Verdict::kCallerContract &&
                                          v != rt::Verdict::kBudgetExhausted);
  }
  rt::Verdict v;
  EXPECT_FALSE(rt::parse_verdict("lost-wakeup", &v));
}

}  // namespace
}  // namespace program
