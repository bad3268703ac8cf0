// The systematic search (rt::DfsStrategy, program::explore): the preemption
// bound, completeness on a program whose schedules are counted by hand, the
// sleep-set reduction, determinism, and on the DAMON model the review thread's
// lost request (found at exactly the bound it needs) and its fixed twins.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "harness/program/explore.h"
#include "harness/program/finding.h"
#include "harness/program/load.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "harness/report/commands.h"
#include "harness/report/triage.h"
#include "harness/runtime/invisible.h"
#include "harness/runtime/strategy_dfs.h"
#include "program_testing.h"

namespace {

struct Search {
  uint64_t schedules = 0;
  uint64_t redundant = 0;
  std::map<int, uint64_t> by_preemptions;  // executions by preemptions taken
  std::set<std::string> orders;            // distinct orders of the accesses
  uint64_t findings = 0;
  int fewest = -1;  // preemptions of the first finding
};

// The order in which the threads made their accesses, one letter each.
std::string g_order;

// Runs `body` (which spawns the threads) under every schedule within `bound`.
Search search(int bound, bool sleep_sets, const std::function<void(rt::Execution&)>& body) {
  Search s;
  rt::DfsStrategy dfs(bound, sleep_sets);
  do {
    auto e = rt::make_sim_execution(dfs, 0, rt::Options{});
    g_order.clear();
    body(*e);
    const rt::RunResult r = e->run();
    EXPECT_FALSE(dfs.diverged());
    s.schedules++;
    if (dfs.redundant()) s.redundant++;
    EXPECT_EQ(static_cast<size_t>(dfs.preemptions()), r.schedule.preemptions.size());
    s.by_preemptions[dfs.preemptions()]++;
    if (!dfs.redundant()) s.orders.insert(g_order);
    if (r.verdict != rt::Verdict::kOk) {
      if (s.findings == 0) s.fewest = dfs.preemptions();
      s.findings++;
    }
  } while (dfs.advance());
  return s;
}

// Two threads of three steps each (start to its first point, between its two
// points, after the second): every interleaving is one of the C(6,3) = 20
// orders of the six steps. The default policy starts A and keeps the running
// thread; a schedule's preemptions are its switches away from a thread that
// has steps left, plus one if B goes first. Counted by hand per order:
// 0 preemptions: AAABBB; 1: ABBBAA, AABBBA, BBBAAA; 2: 6; 3: 6; 4: 3; 5: BABABA.
// The four accesses (one after each point) come in C(4,2) = 6 orders.
void two_by_three(rt::Execution& e, const void* obj_a, const void* obj_b) {
  for (int who = 0; who < 2; who++) {
    const void* obj = who ? obj_b : obj_a;
    e.spawn(who ? "B" : "A", rt::ThreadKind::kClient, [obj, who] {
      rt::Execution& x = rt::Execution::current();
      for (int i = 0; i < 2; i++) {
        x.point(RT_SITE("step"));
        x.declare_access(obj);
        rt::Invisible inv;  // the test's own record of the order, not the program's memory
        g_order += who ? 'b' : 'a';
      }
    });
  }
}

TEST(Explore, CompleteOnAProgramCountedByHand) {
  int shared = 0;
  auto body = [&](rt::Execution& e) { two_by_three(e, &shared, &shared); };
  const uint64_t expected[] = {1, 4, 10, 16, 19, 20};  // schedules within bound k
  for (int k = 0; k <= 5; k++) {
    const Search s = search(k, /*sleep_sets=*/false, body);
    EXPECT_EQ(s.schedules, expected[k]) << "bound " << k;
  }
  const Search s = search(7, false, body);
  EXPECT_EQ(s.schedules, 20u) << "a bound above the largest count changes nothing";
  EXPECT_EQ(s.by_preemptions,
            (std::map<int, uint64_t>{{0, 1}, {1, 3}, {2, 6}, {3, 6}, {4, 3}, {5, 1}}));
  EXPECT_EQ(s.orders.size(), 6u);
}

TEST(Explore, SleepSetsKeepEveryOrderOfDependentSteps) {
  int shared = 0;
  const Search s = search(5, true, [&](rt::Execution& e) { two_by_three(e, &shared, &shared); });
  // The threads' first steps touch nothing and commute with everything; the
  // accesses all touch one object, so each of their 6 orders is still run.
  EXPECT_EQ(s.orders.size(), 6u);
  EXPECT_LT(s.schedules - s.redundant, 20u);
}

TEST(Explore, SleepSetsSkipOrdersOfCommutingSteps) {
  int a = 0, b = 0;
  auto body = [&](rt::Execution& e) { two_by_three(e, &a, &b); };
  const Search full = search(5, false, body);
  EXPECT_EQ(full.schedules, 20u);
  EXPECT_EQ(full.orders.size(), 6u);
  const Search reduced = search(5, true, body);
  // Steps on different objects commute; the ends of the threads do not.
  EXPECT_LT(reduced.orders.size(), 6u);
  EXPECT_GE(reduced.orders.size(), 1u);
}

// A planted bug that needs exactly `k` preemptions: two threads take turns
// on a counter (A's i-th step counts only when it reads 2i, B's when 2i+1),
// and the run fails once the counter reaches k + 2. Each switch away from a
// thread that has steps left is a preemption and buys one more turn; the one
// free switch, when the first thread ends, buys the last. The clean twin asks
// for more increments than the twelve steps make.
void turns(rt::Execution& e, int* turn, int fail_at) {
  for (int who = 0; who < 2; who++) {
    e.spawn(who ? "B" : "A", rt::ThreadKind::kClient, [turn, who, fail_at] {
      rt::Execution& x = rt::Execution::current();
      for (int i = 0; i < 6; i++) {
        x.point(RT_SITE("take turn"));
        x.declare_access(turn);
        bool reached;
        {
          rt::Invisible inv;  // the program's memory, shared by design: TSan's race, not the test's
          if (*turn == 2 * i + who) ++*turn;
          reached = *turn == fail_at;
        }
        if (reached) {
          rt::Finding f;
          f.verdict = rt::Verdict::kReturnContract;
          f.message = "planted: the counter reached its limit";
          x.report(f);
        }
      }
    });
  }
}

TEST(Explore, PlantedBugNeedsExactlyKPreemptions) {
  for (int k = 1; k <= 4; k++) {
    int turn = 0;
    auto body = [&](rt::Execution& e) {
      turn = 0;
      turns(e, &turn, k + 2);
    };
    const Search below = search(k - 1, true, body);
    EXPECT_EQ(below.findings, 0u) << "k=" << k;
    const Search at = search(k, true, body);
    EXPECT_GT(at.findings, 0u) << "k=" << k;
    EXPECT_EQ(at.fewest, k);
  }
}

TEST(Explore, CleanTwinCompletesWithoutFindings) {
  int turn = 0;
  const Search s = search(3, true, [&](rt::Execution& e) {
    turn = 0;
    turns(e, &turn, 13);  // 12 steps make at most 12 increments
  });
  EXPECT_EQ(s.findings, 0u);
  EXPECT_GT(s.schedules, 100u);
}

// ---- on the DAMON model ----

// The review thread's scenario written plainly, without a schedule.
const char* kReview = R"(damon-harness program v1
cpu1: start ctx0
cpu1: stop ctx0
cpu0: walk ctx0
cpu0: walk ctx0
cpu1: start ctx0
)";

struct ModelSearch {
  program::ExploreResult r;
  std::map<std::string, int> found;  // "verdict schedule" -> preemptions
  uint64_t lost = 0;
};

ModelSearch explore_model(const std::string& profile, int k, bool stop_on_lost) {
  ModelSearch m;
  program::ExploreConfig cfg;
  cfg.run.profile = program::find_profile(profile);
  EXPECT_NE(cfg.run.profile, nullptr) << profile;
  cfg.run.options.record_trace = false;
  cfg.max_preemptions = k;
  const program::Program p = program::testing::parse_text(kReview);
  m.r = program::explore(p, cfg, [&](const program::Outcome& o, int preemptions) {
    const std::string key =
        std::string(rt::verdict_name(o.verdict)) + " " + rt::format_schedule(o.run.schedule);
    m.found.emplace(key, preemptions);
    if (o.verdict == rt::Verdict::kLostRequest) m.lost++;
    return stop_on_lost && o.verdict == rt::Verdict::kLostRequest;
  });
  return m;
}

TEST(ExploreModel, ReviewScenarioLostRequestNeedsThreePreemptionsOnPauseRfc) {
  const ModelSearch two = explore_model("pause-rfc", 2, true);
  EXPECT_TRUE(two.r.complete());
  EXPECT_EQ(two.lost, 0u);
  const ModelSearch three = explore_model("pause-rfc", 3, true);
  EXPECT_TRUE(three.r.stopped);
  ASSERT_EQ(three.lost, 1u);
  for (const auto& [key, k] : three.found)
    if (key.starts_with("lost-request")) {
      EXPECT_EQ(k, 3) << key;
      // The finding's own schedule replays it.
      program::Program p = program::testing::parse_text(kReview);
      size_t col = 0;
      std::string err;
      ASSERT_TRUE(rt::parse_schedule(key.substr(key.find(' ') + 1), &p.schedule, &col, &err))
          << err;
      program::RunConfig rc;
      rc.profile = program::find_profile("pause-rfc");
      EXPECT_EQ(program::execute(p, rc).verdict, rt::Verdict::kLostRequest);
    }
}

// The twins: the fix's reading (pause-rfc-fix) and mm-new lose no request in
// any schedule within the bound. On mm-new the default schedule runs cpu0's
// walk before cpu1 ever starts the context, which breaks the caller's
// precondition: those runs end there, and are no protocol finding.
TEST(ExploreModel, FixedProfilesCompleteWithoutFindings) {
  const ModelSearch fix = explore_model("pause-rfc-fix", 2, false);
  EXPECT_TRUE(fix.r.complete());
  EXPECT_TRUE(fix.found.empty()) << fix.found.begin()->first;
  EXPECT_GT(fix.r.schedules, 1000u);
  const ModelSearch v70 = explore_model("v7.0.y", 2, false);
  EXPECT_TRUE(v70.r.complete());
  for (const auto& [key, k] : v70.found) EXPECT_TRUE(key.starts_with("caller-contract")) << key;
}

TEST(ExploreModel, TwoSearchesGiveTheSameResults) {
  const ModelSearch a = explore_model("pause-rfc", 2, false);
  const ModelSearch b = explore_model("pause-rfc", 2, false);
  EXPECT_EQ(a.r.schedules, b.r.schedules);
  ASSERT_EQ(a.r.bounds.size(), b.r.bounds.size());
  for (size_t i = 0; i < a.r.bounds.size(); i++) {
    EXPECT_EQ(a.r.bounds[i].schedules, b.r.bounds[i].schedules);
    EXPECT_EQ(a.r.bounds[i].redundant, b.r.bounds[i].redundant);
  }
  EXPECT_EQ(a.found, b.found);
  EXPECT_EQ(a.r.diverged, 0u);
}

// The reduction keeps every signature: the same set with and without sleep
// sets, over a complete search, on the review scenario with its precondition
// as a setup block.
TEST(ExploreModel, SleepSetsKeepEverySignature) {
  program::Program p;
  std::string err;
  ASSERT_TRUE(program::load_program(
      std::string(DWH_SOURCE_DIR) + "/tests/data/explore/review-stopped.txt", &p, &err))
      << err;
  std::map<bool, std::map<std::string, int>> sigs;
  std::map<bool, uint64_t> runs;
  for (bool sleep : {true, false}) {
    program::ExploreConfig cfg;
    cfg.run.profile = program::find_profile("pause-rfc");
    cfg.run.options.record_trace = false;
    cfg.max_preemptions = 3;
    cfg.sleep_sets = sleep;
    const program::ExploreResult r =
        program::explore(p, cfg, [&](const program::Outcome& o, int k) {
          auto [it, fresh] = sigs[sleep].emplace(report::signature_of(o).key(), k);
          if (!fresh) it->second = std::min(it->second, k);
          return false;
        });
    EXPECT_TRUE(r.complete());
    runs[sleep] = r.schedules;
  }
  EXPECT_FALSE(sigs[true].empty());
  EXPECT_EQ(sigs[true], sigs[false]) << "fewest preemptions per signature, too";
  EXPECT_LE(runs[true], runs[false]);
}

// Triage's per-profile cells come from a search for the bucket's signature;
// the one-schedule replay is kept beside them.
TEST(ExploreReport, TriageCellsComeFromTheSearch) {
  report::TriageOptions opt;
  opt.paths = {std::string(DWH_SOURCE_DIR) + "/corpus/regression/walk-vs-exit.txt"};
  opt.profile = "pause-rfc";
  opt.search_preemptions = 2;
  opt.search_max_schedules = 50000;
  const report::TriageReport rep = report::run_triage(opt);
  ASSERT_EQ(rep.buckets.size(), 1u);
  const report::Bucket& b = rep.buckets[0];
  EXPECT_EQ(b.signature.verdict, rt::Verdict::kDeadlock);
  std::map<std::string, report::ProfileCell> cells;
  for (const report::ProfileCell& c : b.matrix) cells[c.profile] = c;
  // F5's walk form: v7.0-rc to pause-rfc-fix and the v7.0 tag (docs/findings.md).
  for (const char* p : {"v7.0-rc", "pause-rfc", "pause-rfc-fix", "v7.0"}) {
    EXPECT_TRUE(cells[p].search.found) << p << ": " << cells[p].search.text();
    EXPECT_TRUE(cells[p].search.text().starts_with("found (")) << p;
  }
  for (const char* p : {"v7.0.y", "mm-new"}) {
    EXPECT_FALSE(cells[p].search.found) << p;
    EXPECT_EQ(cells[p].search.text(), cells[p].search.complete ? "not found within 2 (complete)"
                                                               : "not found (incomplete, budget)")
        << p;
  }
  opt.search_preemptions = -1;
  const report::TriageReport plain = report::run_triage(opt);
  ASSERT_EQ(plain.buckets.size(), 1u);
  for (const report::ProfileCell& c : plain.buckets[0].matrix) EXPECT_EQ(c.search.text(), "-");
}

TEST(ExploreReport, MinimizeReportsTheFewestPreemptions) {
  // The lost request from its first schedule (3 preemptions): minimize says
  // that no schedule with fewer keeps it, which only a search can say.
  const std::string path = ::testing::TempDir() + "/explore-minimize.txt";
  program::Program p = program::testing::parse_text(kReview);
  bool written = false;
  program::ExploreConfig cfg;
  cfg.run.profile = program::find_profile("pause-rfc");
  cfg.run.options.record_trace = false;
  cfg.max_preemptions = 3;
  program::explore(p, cfg, [&](const program::Outcome& o, int) {
    if (o.verdict != rt::Verdict::kLostRequest) return false;
    std::string err;
    written = program::write_file_atomic(path, program::print_program(o.replay), &err);
    return true;
  });
  ASSERT_TRUE(written);
  report::MinimizeArgs a;
  a.file = path;
  a.profile = "pause-rfc";
  std::ostringstream out, err;
  EXPECT_EQ(report::minimize_command(a, out, err), report::kExitFinding);
  EXPECT_NE(err.str().find("fewest preemptions that keep the signature: 3 ("), std::string::npos)
      << err.str();
  program::Program min = program::testing::parse_text(out.str());
  EXPECT_LE(min.schedule.preemptions.size(), 3u);
  program::RunConfig rc;
  rc.profile = cfg.run.profile;
  EXPECT_EQ(program::execute(min, rc).verdict, rt::Verdict::kLostRequest);
}

}  // namespace
