// damon-harness crosscheck: the same programs on two profiles, one row each;
// a difference is explained by the known-differences file or fails the check.
#include "harness/report/crosscheck.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

// A folder with a program v7.0-rc and mm-new disagree on (v7.0-rc's exiting
// kdamond leaves a walk waiting: the obsolete flags of 7.0 fixed it) and one
// they agree on.
class Crosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("crosscheck_test." + std::to_string(getpid()));
    fs::create_directories(dir_ / "regression");
    fs::copy_file(DWH_SOURCE_DIR "/corpus/regression/walk-vs-exit.txt",
                  dir_ / "regression/walk-vs-exit.txt");
    fs::copy_file(DWH_SOURCE_DIR "/corpus/seeds/start-stop.txt", dir_ / "start-stop.txt");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void known(const std::string& text) { std::ofstream(dir_ / "known-differences.txt") << text; }
  int run(const char* a, const char* b, int search = -1, bool json = false) {
    report::CrossOptions o;
    o.paths = {dir_.string()};
    o.profile_a = a;
    o.profile_b = b;
    o.search_preemptions = search;
    o.search_max_schedules = 200;
    o.json = json;
    std::ostringstream out, err;
    const int code = report::crosscheck_command(o, out, err);
    out_ = out.str();
    err_ = err.str();
    return code;
  }
  fs::path dir_;
  std::string out_, err_;
};

TEST_F(Crosscheck, AProfileAgreesWithItself) {
  EXPECT_EQ(run("v7.0-rc", "v7.0-rc", 1), 0) << out_ << err_;
  EXPECT_NE(out_.find("2 programs: 2 agree, 0 known differences, 0 unexplained"), std::string::npos)
      << out_;
}

TEST_F(Crosscheck, AnUnexplainedDifferenceFails) {
  EXPECT_EQ(run("v7.0-rc", "mm-new"), 1) << out_ << err_;
  EXPECT_NE(out_.find("regression/walk-vs-exit.txt"), std::string::npos) << out_;
  EXPECT_NE(out_.find("deadlock#"), std::string::npos) << out_;
  EXPECT_NE(out_.find("differ"), std::string::npos) << out_;
  EXPECT_NE(out_.find("1 agree, 0 known differences, 1 unexplained"), std::string::npos) << out_;
  EXPECT_NE(out_.find("signatures in the rows that differ:"), std::string::npos) << out_;
}

TEST_F(Crosscheck, AKnownDifferenceIsExplainedInEitherProfileOrder) {
  known("# comment\nregression/*.txt mm-new v7.0-rc: 7.0's obsolete flags\n");
  EXPECT_EQ(run("v7.0-rc", "mm-new"), 0) << out_ << err_;
  EXPECT_NE(out_.find("known: 7.0's obsolete flags"), std::string::npos) << out_;
  EXPECT_EQ(run("mm-new", "v7.0-rc"), 0) << out_ << err_;
}

TEST_F(Crosscheck, AKnownDifferenceForAnotherPairExplainsNothing) {
  known("regression/walk-vs-exit.txt v6.19 mm-new: another pair\n");
  EXPECT_EQ(run("v7.0-rc", "mm-new"), 1) << out_ << err_;
}

TEST_F(Crosscheck, AStaleKnownDifferenceIsNoted) {
  known("start-stop.txt v7.0-rc mm-new: never differs\n");
  run("v7.0-rc", "mm-new");
  EXPECT_NE(err_.find("known-differences.txt:1: note:"), std::string::npos) << err_;
}

TEST_F(Crosscheck, ABadKnownLineIsBadInputWithItsLocation) {
  known("# fine\nregression/walk-vs-exit.txt v7.0-rc mm-new\n");
  EXPECT_EQ(run("v7.0-rc", "mm-new"), 2);
  EXPECT_NE(err_.find("known-differences.txt:2: expected"), std::string::npos) << err_;
  known("x.txt v7.0-rc no-such: why\n");
  EXPECT_EQ(run("v7.0-rc", "mm-new"), 2);
  EXPECT_NE(err_.find("known-differences.txt:1: unknown profile 'no-such'"), std::string::npos)
      << err_;
}

TEST_F(Crosscheck, AnUnknownProfileIsBadInput) {
  EXPECT_EQ(run("v7.0-rc", "v9.9"), 2);
  EXPECT_NE(err_.find("unknown profile 'v9.9'"), std::string::npos) << err_;
}

TEST_F(Crosscheck, JsonHasOneRowPerProgramWithBothSides) {
  EXPECT_EQ(run("v7.0-rc", "mm-new", 1, true), 1) << err_;
  const nlohmann::json j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["profile_a"], "v7.0-rc");
  EXPECT_EQ(j["differ"], 1);
  ASSERT_EQ(j["programs"].size(), 2u);
  for (const auto& row : j["programs"]) {
    if (row["path"] == "regression/walk-vs-exit.txt") {
      EXPECT_EQ(row["result"], "differ");
      EXPECT_EQ(row["a"]["verdict"], "deadlock");
      EXPECT_EQ(row["b"]["verdict"], "ok");
      EXPECT_FALSE(row["a"]["searched"].empty());
    } else {
      EXPECT_EQ(row["result"], "agree");
    }
  }
}

}  // namespace
