#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "harness/program/codec.h"
#include "harness/program/mutate.h"
#include "harness/program/text.h"
#include "tests/program_testing.h"

namespace program {
namespace {

using testing::limit_violation;
using testing::random_bytes;
using testing::round_trip_violation;

Program sample_program() {
  Program p;
  ParseError err;
  EXPECT_TRUE(
      parse_program("damon-harness program v1\n"
                    "cpu0: start ctx0\n"
                    "cpu0: walk ctx0\n"
                    "cpu1: commit ctx0 schemes=2 intervals=1,4 wmarks=on\n"
                    "cpu1: stop ctx0\n"
                    "schedule: 3:1\n",
                    &p, &err))
      << err.format("<sample>");
  return p;
}

TEST(ProgramMutate, DeterministicForASeed) {
  for (uint32_t seed = 0; seed < 200; seed++) {
    Program a = sample_program(), b = sample_program();
    mutate_program(&a, seed);
    mutate_program(&b, seed);
    EXPECT_EQ(a, b) << seed;
  }
  std::vector<uint8_t> x(64, 0x42), y = x;
  EXPECT_EQ(mutate_bytes(x.data(), 32, x.size(), 7), mutate_bytes(y.data(), 32, y.size(), 7));
  EXPECT_EQ(x, y);
}

TEST(ProgramMutate, AlwaysChangesTheProgram) {
  for (uint32_t seed = 0; seed < 5000; seed++) {
    for (Program before : {Program{}, sample_program()}) {
      Program p = before;
      mutate_program(&p, seed);
      ASSERT_FALSE(p == before) << "seed " << seed << "\n" << print_program(p);
    }
  }
}

// A program that can race (two clients, or a client that starts a kdamond)
// has about half of its edits on the schedule (some mutations make several
// edits, so fewer leave the operations alone); one that cannot has most on its
// operations.
TEST(ProgramMutate, ScheduleEditsFollowWhetherTheProgramCanRace) {
  auto schedule_only_share = [](const char* text) {
    Program before;
    ParseError err;
    EXPECT_TRUE(parse_program(text, &before, &err)) << err.format("<text>");
    int schedule_only = 0;
    const int n = 4000;
    for (uint32_t seed = 0; seed < static_cast<uint32_t>(n); seed++) {
      Program p = before;
      mutate_program(&p, seed);
      bool ops_same = true;
      for (int c = 0; c < kMaxClients; c++) ops_same = ops_same && p.ops[c] == before.ops[c];
      if (ops_same) schedule_only++;
    }
    return static_cast<double>(schedule_only) / n;
  };
  const double racy =
      schedule_only_share("damon-harness program v1\ncpu0: walk ctx0\ncpu1: start ctx0\n");
  const double starter = schedule_only_share("damon-harness program v1\ncpu0: start ctx0\n");
  const double lone = schedule_only_share("damon-harness program v1\ncpu0: walk ctx0\n");
  EXPECT_GT(racy, 0.3);
  EXPECT_GT(starter, 0.3);
  EXPECT_LT(lone, 0.2);
}

TEST(ProgramMutate, ChainsStayValidAndReachEverything) {
  std::set<OpKind> kinds;
  std::set<int> clients;
  size_t max_preemptions = 0, max_ops = 0, max_points = 0, pct_programs = 0;
  for (uint32_t chain = 0; chain < 20; chain++) {
    Program p;
    for (uint32_t step = 0; step < 500; step++) {
      mutate_program(&p, chain * 1000 + step);
      ASSERT_EQ(limit_violation(p), "") << print_program(p);
      ASSERT_EQ(round_trip_violation(p), "") << print_program(p);
      for (int c = 0; c < kMaxClients; c++) {
        if (!p.ops[c].empty()) clients.insert(c);
        for (const Op& op : p.ops[c]) kinds.insert(op.kind);
        max_ops = std::max(max_ops, p.ops[c].size());
      }
      max_preemptions = std::max(max_preemptions, p.schedule.preemptions.size());
      if (p.schedule.pct) {
        pct_programs++;
        max_points = std::max(max_points, p.schedule.pct->points.size());
      }
    }
  }
  EXPECT_EQ(kinds.size(), static_cast<size_t>(kNumOpKinds));
  EXPECT_EQ(clients.size(), static_cast<size_t>(kMaxClients));
  EXPECT_EQ(max_ops, static_cast<size_t>(kMaxOpsPerClient));
  EXPECT_GT(max_preemptions, 3u);
  // Both schedule forms are reached, and PCT schedules up to depth 5 or more.
  EXPECT_GT(pct_programs, 100u);
  EXPECT_LT(pct_programs, 20u * 500u - 100u);
  EXPECT_GE(max_points, 4u);
}

// Every edit of the table, on programs of several shapes: it keeps the
// limits and both formats' round trip, leaves the program alone when it does
// not apply, and otherwise changes it (nearly always: a swap of two equal ops
// or a shift clamped at 0 may not).
TEST(ProgramMutate, EveryEditChangesTheProgramAndKeepsTheLimits) {
  Program pct = sample_program();
  pct.schedule = {};
  pct.schedule.pct = rt::PctSchedule{};
  pct.schedule.pct->points = {rt::PctSchedule::thread_point(1, 3),
                              rt::PctSchedule::thread_point(4, 9)};
  pct.schedule.pct->per_thread = true;
  Program full = testing::parse_text("damon-harness program v1\ncpu1: start ctx0+ctx1\n");
  for (int i = 0; i < kMaxOpsPerClient; i++)
    full.ops[0].push_back(sample_program().ops[i % 2][i % 2]);
  full.schedule.preemptions.assign(kMaxPreemptions, rt::Preemption{5, 1});
  const Program shapes[] = {Program{}, sample_program(), pct, full};
  std::set<std::string> names;
  for (const MutationEdit& e : mutation_edits()) {
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
    int applied = 0, changed = 0;
    for (const Program& before : shapes) {
      for (uint64_t seed = 0; seed < 300; seed++) {
        Program p = before;
        Rng rng(seed);
        const bool ok = e.apply(&p, rng);
        ASSERT_EQ(limit_violation(p), "") << e.name << "\n" << print_program(p);
        ASSERT_EQ(round_trip_violation(p), "") << e.name << "\n" << print_program(p);
        if (!ok) {
          ASSERT_EQ(p, before) << e.name << " did not apply but changed the program";
          continue;
        }
        applied++;
        changed += !(p == before);
      }
    }
    EXPECT_GT(applied, 300) << e.name;
    EXPECT_GT(changed, applied * 9 / 10) << e.name << ": " << changed << " of " << applied;
  }
  EXPECT_EQ(names.size(), 11u);
}

// mutate_once() draws every edit of the table, by its weights: a program that
// can race gets most of its edits on the schedule, one that cannot on its ops.
TEST(ProgramMutate, EditWeightsFollowWhetherTheProgramCanRace) {
  uint32_t schedule = 0, racing_schedule = 0, total = 0, racing_total = 0;
  for (const MutationEdit& e : mutation_edits()) {
    const bool on_schedule = std::string_view(e.name).starts_with("schedule-");
    EXPECT_GT(e.weight, 0u) << e.name;
    EXPECT_GT(e.racing_weight, 0u) << e.name;
    schedule += on_schedule ? e.weight : 0;
    racing_schedule += on_schedule ? e.racing_weight : 0;
    total += e.weight;
    racing_total += e.racing_weight;
  }
  EXPECT_LT(schedule * 2, total);
  EXPECT_GT(racing_schedule * 2, racing_total);
  EXPECT_TRUE(can_race(sample_program()));
  EXPECT_TRUE(can_race(testing::parse_text("damon-harness program v1\ncpu2: start ctx0\n")));
  EXPECT_FALSE(can_race(testing::parse_text("damon-harness program v1\ncpu2: walk ctx0\n")));
}

TEST(ProgramMutate, MutateBytesRespectsMaxSize) {
  std::vector<uint8_t> buf(256);
  for (size_t max_size : {1, 2, 3, 8, 40, 256}) {
    size_t size = 0;
    int changed = 0;
    for (uint32_t seed = 0; seed < 2000; seed++) {
      const std::vector<uint8_t> before(buf.begin(), buf.begin() + size);
      size = mutate_bytes(buf.data(), size, max_size, seed);
      ASSERT_LE(size, max_size);
      const Program p = decode_bytes(buf.data(), size);
      ASSERT_EQ(limit_violation(p), "");
      changed += std::vector<uint8_t>(buf.begin(), buf.begin() + size) != before;
    }
    // Below 3 bytes only the empty program fits; raw byte edits still change it.
    EXPECT_GT(changed, max_size < 3 ? 300 : 1000) << "max_size " << max_size;
  }
}

TEST(ProgramMutate, MutateBytesTruncatesOversizedInput) {
  for (uint32_t seed = 0; seed < 500; seed++) {
    std::vector<uint8_t> buf = random_bytes(seed, 300);
    const size_t max_size = buf.size() / 2;
    buf.resize(std::max<size_t>(buf.size(), 1));
    EXPECT_LE(mutate_bytes(buf.data(), buf.size(), max_size, seed), max_size);
  }
}

TEST(ProgramMutate, CrossoverTakesClientsAndScheduleFromTheParents) {
  Program a, b;
  for (int c = 0; c < kMaxClients; c++) {
    for (int i = 0; i < 4; i++) {
      Op op;
      op.kind = OpKind::kSleep;
      op.sleep_ms = static_cast<uint16_t>(100 * c + i + 1);  // from a
      a.ops[c].push_back(op);
      op.sleep_ms = static_cast<uint16_t>(500 + 100 * c + i + 1);  // from b
      b.ops[c].push_back(op);
    }
  }
  a.schedule.preemptions = {{1, 1}};
  b.schedule.preemptions = {{2, 2}, {3, 0}};
  const std::vector<uint8_t> ea = encode_bytes(a), eb = encode_bytes(b);
  std::vector<uint8_t> out(512);
  std::set<int> mixed;
  for (uint32_t seed = 0; seed < 1000; seed++) {
    const size_t n =
        crossover_bytes(ea.data(), ea.size(), eb.data(), eb.size(), out.data(), out.size(), seed);
    const Program child = decode_bytes(out.data(), n);
    ASSERT_EQ(limit_violation(child), "");
    EXPECT_TRUE(child.schedule == a.schedule || child.schedule == b.schedule);
    int from_a = 0, from_b = 0;
    for (int c = 0; c < kMaxClients; c++) {
      for (const Op& op : child.ops[c]) {
        const int client_of_op = (op.sleep_ms - 1) % 500 / 100;
        EXPECT_EQ(client_of_op, c) << "ops stay on their client";
        (op.sleep_ms > 500 ? from_b : from_a)++;
      }
    }
    mixed.insert((from_a > 0) * 2 + (from_b > 0));
  }
  EXPECT_TRUE(mixed.count(3)) << "some children mix both parents";
  EXPECT_LE(crossover_bytes(ea.data(), ea.size(), eb.data(), eb.size(), out.data(), 5, 1), 5u);
}

}  // namespace
}  // namespace program
