// The profile list is declared once, in harness/damon/profiles.def. These tests keep
// every reader of it honest: the model's table, CMake's DWH_PROFILES, the CI scripts'
// DWH_PROFILES, and the golden fully expanded table.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness/damon/profile.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string joined(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

// The row lines as cmake/profiles.cmake and ci/lib.sh match them.
std::vector<std::string> names_in_def() {
  std::vector<std::string> names;
  std::istringstream in(read_file(DWH_SOURCE_DIR "/harness/damon/profiles.def"));
  const std::regex row("^DWH_PROFILE\\(\"([^\"]+)\"");
  std::smatch m;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, m, row)) names.push_back(m[1]);
  return names;
}

TEST(ProfileList, TheModelTableHasTheRowsOfProfilesDefInOrder) {
  const std::vector<std::string> names = names_in_def();
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(joined(names, ", "), damon::profile_names());
  ASSERT_EQ(names.size(), damon::profiles().size());
  for (size_t i = 0; i < names.size(); i++)
    EXPECT_EQ(damon::profiles()[i].name, names[i]) << "row " << i;
}

TEST(ProfileList, CMakeReadsTheSameList) {
  EXPECT_EQ(DWH_CMAKE_PROFILES, joined(names_in_def(), ","));
}

TEST(ProfileList, TheCiScriptsReadTheSameList) {
  const std::string cmd =
      "bash -c 'source " DWH_SOURCE_DIR "/ci/lib.sh && printf \"%s,\" \"${DWH_PROFILES[@]}\"'";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  ASSERT_EQ(pclose(p), 0) << cmd;
  EXPECT_EQ(out, joined(names_in_def(), ",") + ",");
}

TEST(ProfileList, EveryBaseIsAnEarlierRow) {
  const auto& rows = damon::profiles();
  EXPECT_TRUE(rows.front().base.empty()) << "the first row is the root";
  for (size_t i = 1; i < rows.size(); i++) {
    bool earlier = false;
    for (size_t j = 0; j < i; j++) earlier |= rows[j].name == rows[i].base;
    EXPECT_TRUE(earlier) << rows[i].name << " starts from " << rows[i].base;
  }
}

// An edit to a base changes every row that starts from it; the golden file shows
// each such change in review. Regenerate it with
//   damon-harness profiles --fields > tests/golden/profiles-fields.txt
TEST(ProfileList, TheExpandedTableMatchesTheGoldenFile) {
  const std::string golden = read_file(DWH_SOURCE_DIR "/tests/golden/profiles-fields.txt");
  ASSERT_FALSE(golden.empty()) << "tests/golden/profiles-fields.txt is missing";
  EXPECT_EQ(damon::profile_fields_text(), golden)
      << "regenerate with: damon-harness profiles --fields > tests/golden/profiles-fields.txt";
}

}  // namespace
