// The fuzz targets' extra feedback (fuzz/common.h): object feedback marks pairs
// of accesses to one tracked object by different threads, so that an
// interleaving that changes who touches a request next is new coverage.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "fuzz/common.h"
#include "harness/kernel/world.h"
#include "harness/program/executor.h"
#include "harness/program/profiles.h"
#include "harness/program/text.h"
#include "program_testing.h"

extern uint8_t dwh_object_counters[1 << 12];

namespace {

using program::testing::parse_text;

// The counters one sim run of `p` on pause-rfc marks, with `hook` as the
// run's access hook.
std::set<int> object_pairs(const program::Program& p,
                           program::AccessHook hook = fuzz::object_feedback_hook()) {
  std::memset(dwh_object_counters, 0, sizeof dwh_object_counters);
  program::RunConfig cfg;
  cfg.profile = program::find_profile("pause-rfc");
  cfg.access_hook = hook;
  fuzz::begin_object_feedback();
  program::execute(p, cfg);
  std::set<int> marked;
  for (int i = 0; i < static_cast<int>(sizeof dwh_object_counters); i++)
    if (dwh_object_counters[i]) marked.insert(i);
  return marked;
}

// The review thread's program with its precondition as client ops (the
// regression file corpus/regression/review-thread-restart.txt states it as a
// setup block), without and with the schedule that loses the second walk.
const char* kReviewProgram =
    "damon-harness program v1\n"
    "cpu0: walk ctx0\n"
    "cpu0: walk ctx0\n"
    "cpu1: commit ctx0 schemes=1 intervals=1 wmarks=off\n"
    "cpu1: start ctx0\n"
    "cpu1: stop ctx0\n"
    "cpu1: start ctx0\n";
const char* kReviewSchedule = "schedule: 0:1 25:1 0:1 27:1 1:0 8:1 10:1 9:5 10:0\n";

TEST(ObjectFeedback, RacingClientsMarkPairs) {
  const std::set<int> pairs =
      object_pairs(parse_text("damon-harness program v1\ncpu0: walk ctx0\ncpu1: start ctx0\n"));
  EXPECT_GE(pairs.size(), 3u);
}

TEST(ObjectFeedback, SameRunSamePairs) {
  const program::Program p = parse_text(std::string(kReviewProgram) + kReviewSchedule);
  EXPECT_EQ(object_pairs(p), object_pairs(p));
}

TEST(ObjectFeedback, TheLosingScheduleHasPairsTheDefaultOneLacks) {
  const std::set<int> plain = object_pairs(parse_text(kReviewProgram));
  const std::set<int> losing =
      object_pairs(parse_text(std::string(kReviewProgram) + kReviewSchedule));
  int new_pairs = 0;
  for (int k : losing) new_pairs += !plain.count(k);
  EXPECT_GT(new_pairs, 0);
}

TEST(ObjectFeedbackOff, NoHookNoPairs) {
  EXPECT_TRUE(
      object_pairs(parse_text(std::string(kReviewProgram) + kReviewSchedule), nullptr).empty());
}

}  // namespace
