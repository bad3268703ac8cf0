// The report layer on recorded inputs (tests/data/report/, corpus/regression/):
// classification, signatures and buckets, minimisation, the triage report, and
// the timeline of the review thread's three-CPU scenario.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/program/codec.h"
#include "harness/program/minimize.h"
#include "harness/program/text.h"
#include "harness/report/classify.h"
#include "harness/report/commands.h"
#include "harness/report/inputs.h"
#include "harness/report/signature.h"
#include "harness/report/timeline.h"
#include "harness/report/triage.h"
#include "harness/report/write.h"

namespace {

namespace fs = std::filesystem;
using report::ReplayStats;
using report::SanitizerKind;
using report::TriageClass;
using rt::Verdict;

fs::path data(const std::string& name) {
  return fs::path(DWH_SOURCE_DIR) / "tests" / "data" / "report" / name;
}
fs::path regression(const std::string& name) {
  return fs::path(DWH_SOURCE_DIR) / "corpus" / "regression" / name;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

program::Program load(const fs::path& p) {
  program::Program prog;
  program::ParseError err;
  EXPECT_TRUE(program::parse_program(read_file(p), &prog, &err)) << err.format(p.string());
  return prog;
}

program::RunConfig replay_config(const char* profile) {
  program::RunConfig cfg;
  cfg.profile = program::find_profile(profile);
  cfg.strategy = program::StrategyKind::kProgram;
  cfg.options.record_trace = false;
  return cfg;
}

report::Signature signature_on(const fs::path& p, const char* profile = "pause-rfc") {
  return report::signature_of(program::execute(load(p), replay_config(profile)));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// --- classification ----------------------------------------------------------

ReplayStats sim(int runs, int reproduced, Verdict v, bool mismatch = false) {
  ReplayStats s;
  s.sim_runs = runs;
  s.sim_reproduced = reproduced;
  s.sim_hash_mismatch = mismatch;
  s.verdict = v;
  return s;
}

TEST(Classify, ADeterministicFindingGetsTheClassOfItsVerdict) {
  const std::pair<Verdict, TriageClass> want[] = {
      {Verdict::kDeadlock, TriageClass::kDeadlock},
      {Verdict::kWatchdogHang, TriageClass::kDeadlock},
      {Verdict::kLostRequest, TriageClass::kLostRequest},
      {Verdict::kLivelock, TriageClass::kLivelock},
      {Verdict::kUseAfterFree, TriageClass::kUseAfterFree},
      {Verdict::kDoubleFree, TriageClass::kUseAfterFree},
      {Verdict::kLeak, TriageClass::kUseAfterFree},
      {Verdict::kReturnContract, TriageClass::kReturnContract},
      {Verdict::kCallerContract, TriageClass::kCallerContract}};
  for (const auto& [v, c] : want)
    EXPECT_EQ(report::classify(sim(10, 10, v), SanitizerKind::kNone), c) << rt::verdict_name(v);
}

TEST(Classify, ASanitizerReportWinsOverTheReplays) {
  EXPECT_EQ(report::sanitizer_in("# WARNING: ThreadSanitizer: data race"), SanitizerKind::kTsan);
  EXPECT_EQ(report::sanitizer_in("# ERROR: AddressSanitizer: heap-use-after-free"),
            SanitizerKind::kAsan);
  EXPECT_EQ(report::sanitizer_in("# profile: pause-rfc, runtime: sim"), SanitizerKind::kNone);
  EXPECT_EQ(report::classify(sim(10, 0, Verdict::kOk), SanitizerKind::kTsan),
            TriageClass::kTsanRace);
  EXPECT_EQ(report::classify(sim(10, 10, Verdict::kDeadlock), SanitizerKind::kAsan),
            TriageClass::kSanitizer);
}

TEST(Classify, ReplaysThatDisagreeAreTheHarnesssBug) {
  EXPECT_EQ(report::classify(sim(10, 9, Verdict::kLostRequest), SanitizerKind::kNone),
            TriageClass::kHarnessBug);
  EXPECT_EQ(report::classify(sim(10, 10, Verdict::kLostRequest, true), SanitizerKind::kNone),
            TriageClass::kHarnessBug);
  EXPECT_EQ(report::classify(sim(10, 10, Verdict::kHarnessBug), SanitizerKind::kNone),
            TriageClass::kHarnessBug);
}

TEST(Classify, NoReplayReproducingIsNoLongerReproducesUnlessOsDoes) {
  EXPECT_EQ(report::classify(sim(10, 0, Verdict::kOk), SanitizerKind::kNone),
            TriageClass::kNoLongerReproduces);
  ReplayStats os = sim(10, 0, Verdict::kWatchdogHang);
  os.os_runs = 3;
  os.os_reproduced = 1;
  EXPECT_EQ(report::classify(os, SanitizerKind::kNone), TriageClass::kDeadlock);
}

TEST(Classify, RecordedInputsReplayToTheirClass) {
  report::TriageOptions opt;
  const struct {
    const char* file;
    const char* profile;
    TriageClass cls;
  } cases[] = {{"lost-walk-restart.txt", "pause-rfc", TriageClass::kLostRequest},
               {"walk-vs-exit.txt", "pause-rfc", TriageClass::kDeadlock},
               {"lost-walk-restart.txt", "pause-rfc-fix", TriageClass::kNoLongerReproduces}};
  for (const auto& c : cases) {
    report::Input in;
    std::string reason;
    ASSERT_TRUE(report::load_input(data(c.file).string(), true, &in, &reason)) << reason;
    const report::InputResult r =
        report::triage_one(in.program, in, *program::find_profile(c.profile), opt);
    EXPECT_EQ(r.cls, c.cls) << c.file << " on " << c.profile;
    EXPECT_FALSE(r.stats.sim_hash_mismatch) << c.file;
  }
}

// --- signatures and buckets --------------------------------------------------

TEST(Signature, OneBugReachedByDifferentProgramsHasOneSignature) {
  const report::Signature lost = signature_on(data("lost-walk-restart.txt"));
  EXPECT_EQ(lost.key(), signature_on(data("lost-walk-fresh-ctx.txt")).key());
  EXPECT_EQ(lost.verdict, Verdict::kLostRequest);
  const std::set<std::string> facts(lost.facts.begin(), lost.facts.end());
  EXPECT_TRUE(facts.count("func damos_walk_cancel")) << lost.key();
  EXPECT_TRUE(facts.count("wait damos_walk:wait_for_completion")) << lost.key();
  // A resume is a commit through damon_call(): the same hang as a plain call.
  EXPECT_EQ(signature_on(data("call-vs-exit.txt")).key(),
            signature_on(data("resume-vs-exit.txt")).key());
}

TEST(Signature, DifferentBugsHaveDifferentSignatures) {
  const std::string keys[] = {signature_on(data("lost-walk-restart.txt")).key(),
                              signature_on(data("call-vs-exit.txt")).key(),
                              signature_on(data("walk-vs-exit.txt")).key()};
  EXPECT_EQ(std::set<std::string>(std::begin(keys), std::end(keys)).size(), 3u) << keys[0] << "\n"
                                                                                << keys[1] << "\n"
                                                                                << keys[2];
}

TEST(Signature, FactsLeaveNumbersAndOperandsOut) {
  EXPECT_EQ(report::strip_numbers("cpu0 op#13 walk ctx1"), "cpuN op#N walk ctxN");
  EXPECT_EQ(report::request_kind("call ctx0 repeat dealloc"), "call-repeat-dealloc");
  EXPECT_EQ(report::request_kind("walk ctx1"), "walk");
  EXPECT_EQ(
      report::function_in_message(
          "lost request: cpu0 waits, dropped by kdamond.0 at damos_walk_cancel:unset request"),
      "damos_walk_cancel");
}

report::TriageReport triage_data(int jobs) {
  report::TriageOptions opt;
  opt.paths = {data("").string()};
  opt.jobs = jobs;
  opt.sim_replays = 3;
  opt.minimize_max_runs = 400;
  return report::run_triage(opt);
}

const report::Bucket* bucket_of(const report::TriageReport& rep, const std::string& file) {
  for (const report::Bucket& b : rep.buckets)
    for (size_t m : b.members)
      if (fs::path(rep.inputs[m].path).filename() == file) return &b;
  return nullptr;
}

TEST(Triage, BucketsTheRecordedInputsBySignature) {
  const report::TriageReport rep = triage_data(2);
  ASSERT_EQ(rep.inputs.size(), 5u);
  EXPECT_TRUE(rep.skipped.empty());
  EXPECT_EQ(rep.buckets.size(), 3u);
  const report::Bucket* lost = bucket_of(rep, "lost-walk-restart.txt");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost, bucket_of(rep, "lost-walk-fresh-ctx.txt"));
  EXPECT_EQ(lost->cls, TriageClass::kLostRequest);
  EXPECT_EQ(bucket_of(rep, "call-vs-exit.txt"), bucket_of(rep, "resume-vs-exit.txt"));
  EXPECT_NE(bucket_of(rep, "call-vs-exit.txt"), bucket_of(rep, "walk-vs-exit.txt"));
  for (const report::Bucket& b : rep.buckets) {
    EXPECT_EQ(report::signature_of(program::execute(b.minimal, replay_config("pause-rfc"))).key(),
              b.signature.key())
        << "bucket " << b.id << "'s minimal program lost its signature";
  }
}

TEST(Triage, EveryBucketOfTheReportHasAMinimalProgramAndATimeline) {
  const report::TriageReport rep = triage_data(2);
  const std::string md = report::report_markdown(rep);
  for (const report::Bucket& b : rep.buckets) {
    const size_t at = md.find("## Bucket " + std::to_string(b.id) + ":");
    ASSERT_NE(at, std::string::npos);
    const std::string section = md.substr(at, md.find("## Bucket", at + 1) - at);
    EXPECT_NE(section.find("Minimal program"), std::string::npos) << section;
    EXPECT_NE(section.find("damon-harness program v1"), std::string::npos) << section;
    EXPECT_NE(section.find("Timeline:\n\n```\ncpu0"), std::string::npos) << section;
  }
  // The review thread's bucket draws its three threads: both clients and the kdamond.
  const std::vector<std::string> tl = lines_of(bucket_of(rep, "lost-walk-restart.txt")->timeline);
  ASSERT_FALSE(tl.empty());
  EXPECT_NE(tl[0].find("cpu0"), std::string::npos) << tl[0];
  EXPECT_NE(tl[0].find("cpu1"), std::string::npos) << tl[0];
  EXPECT_NE(tl[0].find("kdamond.0"), std::string::npos) << tl[0];
}

TEST(Triage, TheReportDoesNotDependOnTheJobs) {
  const report::TriageReport one = triage_data(1), two = triage_data(2);
  ASSERT_EQ(one.buckets.size(), two.buckets.size());
  for (size_t i = 0; i < one.buckets.size(); i++) {
    EXPECT_EQ(one.buckets[i].signature.key(), two.buckets[i].signature.key());
    EXPECT_EQ(program::print_program(one.buckets[i].minimal),
              program::print_program(two.buckets[i].minimal));
  }
}

TEST(Inputs, AnArtifactAndItsFindingFileAreOneInput) {
  std::string tmpl = (fs::temp_directory_path() / "report_test.XXXXXX").string();
  const fs::path dir = mkdtemp(tmpl.data());
  program::Program p = load(data("walk-vs-exit.txt"));
  const std::vector<uint8_t> bytes = program::encode_bytes(p);
  std::ofstream(dir / "crash-0a1b", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  p.comments = {"damon-harness finding: deadlock", "profile: v6.19, runtime: sim"};
  std::ofstream(dir / "crash-0a1b.txt") << program::print_program(p);
  std::ofstream(dir / "timeout-2c3d", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  std::vector<report::Input> inputs;
  std::vector<report::Skipped> skipped;
  report::collect_inputs({dir.string()}, &inputs, &skipped);
  fs::remove_all(dir);
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_TRUE(skipped.empty());
  EXPECT_EQ(fs::path(inputs[0].path).filename(), "crash-0a1b.txt");
  EXPECT_EQ(inputs[0].kind, report::InputKind::kText);
  EXPECT_EQ(inputs[0].profile, "v6.19");
  EXPECT_EQ(fs::path(inputs[1].path).filename(), "timeout-2c3d");
  EXPECT_EQ(inputs[1].kind, report::InputKind::kArtifact);
  EXPECT_EQ(program::print_program(inputs[1].program),
            program::print_program(program::decode_bytes(bytes.data(), bytes.size())));
}

// --- minimisation ------------------------------------------------------------

// minimize() with a deadline, so a search that never ends fails the test instead
// of hanging it.
program::Program minimize_within(const program::Program& p, const program::RunConfig& cfg,
                                 const program::KeepFn& keep, int max_runs,
                                 program::MinimizeStats* st) {
  auto done = std::async(std::launch::async, [&] {
    return program::minimize(p, cfg, keep, program::MinimizeLimits{max_runs}, st);
  });
  if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "minimize() did not return within 60 s with a budget of " << max_runs
                  << " runs";
    std::_Exit(1);  // the future's destructor would wait for ever
  }
  return done.get();
}

TEST(Minimize, KeepsTheSignatureOfRecordedInputs) {
  for (const char* file :
       {"lost-walk-fresh-ctx.txt", "resume-vs-exit.txt", "lost-walk-restart.txt"}) {
    const program::Program p = load(data(file));
    const program::RunConfig cfg = replay_config("pause-rfc");
    const report::Signature sig = report::signature_of(program::execute(p, cfg));
    const program::KeepFn keep = [&sig](const program::Outcome& o) {
      return report::signature_of(o) == sig;
    };
    program::MinimizeStats st, again;
    const program::Program min = minimize_within(p, cfg, keep, 600, &st);
    EXPECT_TRUE(st.reproduced) << file;
    EXPECT_LE(st.runs, 600) << file;
    EXPECT_TRUE(keep(program::execute(min, cfg))) << file << ":\n" << program::print_program(min);
    EXPECT_LE(min.nr_ops(), p.nr_ops()) << file;
    EXPECT_LE(min.schedule.preemptions.size(), p.schedule.preemptions.size()) << file;
    EXPECT_EQ(program::print_program(minimize_within(p, cfg, keep, 600, &again)),
              program::print_program(min))
        << file << ": not deterministic";
  }
}

// Nothing but the recorded interleaving itself keeps the predicate, so every
// candidate fails: the search must still end within its budget.
TEST(Minimize, EndsWhenNoCandidateKeepsTheFinding) {
  const program::Program p = load(data("lost-walk-restart.txt"));
  const program::RunConfig cfg = replay_config("pause-rfc");
  const uint64_t hash = program::execute(p, cfg).run.trace_hash;
  const program::KeepFn keep = [hash](const program::Outcome& o) {
    return o.run.trace_hash == hash;
  };
  program::MinimizeStats st;
  minimize_within(p, cfg, keep, 200, &st);
  EXPECT_LE(st.runs, 200);
}

// --- timeline ----------------------------------------------------------------

std::string timeline_of(const fs::path& file, const char* profile, report::TimelineStyle style,
                        int* rc = nullptr) {
  report::TimelineArgs a;
  a.file = file.string();
  a.profile = profile;
  a.timeline.style = style;
  std::ostringstream out, err;
  const int code = report::timeline_command(a, out, err);
  if (rc) *rc = code;
  return out.str();
}

// Column names of a timeline's header row ("cpu0 │cpu1 │kdamond.0").
std::vector<std::string> columns(const std::string& header, const std::string& sep) {
  std::vector<std::string> out;
  for (size_t at = 0; at <= header.size();) {
    const size_t end = std::min(header.find(sep, at), header.size());
    std::string name = header.substr(at, end - at);
    name.erase(name.find_last_not_of(' ') + 1);
    out.push_back(name);
    at = end + sep.size();
  }
  return out;
}

TEST(Timeline, TheReviewThreadScenarioShowsItsThreeCpusIn80Columns) {
  for (const char* profile : {"pause-rfc", "v7.0-rc"}) {
    for (report::TimelineStyle style :
         {report::TimelineStyle::kBox, report::TimelineStyle::kAscii}) {
      const bool box = style == report::TimelineStyle::kBox;
      int rc = -1;
      const std::string text =
          timeline_of(regression("review-thread-restart.txt"), profile, style, &rc);
      EXPECT_EQ(rc, report::kExitFinding) << profile;
      const std::vector<std::string> lines = lines_of(text);
      for (const std::string& l : lines) EXPECT_LE(report::display_width(l), 80) << l;
      if (box) EXPECT_NE(text.find("┼"), std::string::npos) << text;
      if (!box)
        for (char c : text) ASSERT_EQ(static_cast<unsigned char>(c) & 0x80, 0) << text;
      // "profile: ..., schedule: recorded", a blank line, then the header row.
      ASSERT_GE(lines.size(), 4u);
      EXPECT_EQ(lines[0], std::string("profile: ") + profile + ", schedule: recorded");
      // The setup block (the stopped context) has a column of its own.
      EXPECT_EQ(columns(lines[2], box ? "│" : "|"),
                (std::vector<std::string>{"cpu0", "cpu1", "setup", "kdamond.0"}))
          << text;
      // The diagram ends with cpu0 (column 0) blocked for good (four columns
      // in 80 cut the text).
      const auto blank = std::find(lines.begin() + 3, lines.end(), "");
      ASSERT_NE(blank, lines.end());
      EXPECT_EQ(blank[-1].rfind(box ? "▼ nobody complet" : "v nobody complet", 0), 0u) << text;
      EXPECT_NE(text.find("lost-request"), std::string::npos);
    }
  }
}

TEST(Timeline, AFunctionStartsWhereItWasEnteredNotAtItsFirstShownStep) {
  // damos_walk_cancel() reads the request before cpu0 takes it back; only its
  // later steps are shown, but its header must come before cpu0's "unset request".
  const std::string text = timeline_of(regression("walk-self-clear-vs-cancel.txt"), "pause-rfc",
                                       report::TimelineStyle::kBox);
  const size_t cancel = text.find("damos_walk_cancel()");
  const size_t unset = text.rfind("│unset request");
  ASSERT_NE(cancel, std::string::npos) << text;
  ASSERT_NE(unset, std::string::npos) << text;
  EXPECT_LT(cancel, unset) << text;
}

TEST(Timeline, TheCliPrintsTheSameTimeline) {
  const fs::path bin = fs::read_symlink("/proc/self/exe").parent_path() / "damon-harness";
  const fs::path log = fs::temp_directory_path() / ("report_test." + std::to_string(getpid()));
  const std::string file = regression("review-thread-restart.txt").string();
  const std::string cmd = bin.string() + " timeline " + file +
                          " --profile pause-rfc --style ascii --width 80 >" + log.string() +
                          " 2>&1";
  const int status = std::system(cmd.c_str());
  const std::string out = read_file(log);
  fs::remove(log);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == report::kExitFinding) << out;
  EXPECT_EQ(out, timeline_of(file, "pause-rfc", report::TimelineStyle::kAscii));
}

}  // namespace
