// The fuzz targets built as replay binaries (DWH_FUZZING off): they run files
// and folders, exit 0/1/2 (no finding, finding, bad input), take the profile from
// DAMON_PROFILE or from their own name, and the text target keeps the formats
// consistent over the seeds.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "command.h"
#include "temp_dir.h"

namespace {

namespace fs = std::filesystem;

fs::path bin_dir() {
  return fs::read_symlink("/proc/self/exe").parent_path();
}
fs::path corpus(const char* dir) {
  return fs::path(DWH_SOURCE_DIR) / "corpus" / dir;
}

using Result = dwh_testing::CommandResult;

Result run(const std::string& binary, const std::string& args, const std::string& env = "") {
  return dwh_testing::run_command("env -u DAMON_PROFILE " + env + " " + binary + " " + args,
                                  "fuzz_replay_test");
}

std::string target(const char* name) {
  return (bin_dir() / name).string();
}

class TempDir : public dwh_testing::TempDir {
 public:
  TempDir() : dwh_testing::TempDir("fuzz_replay_test") {}
};

size_t count_txt(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".txt";
  return n;
}

TEST(FuzzReplay, SimReplaysEverySeedOnEveryProfile) {
  const size_t n = count_txt(corpus("seeds"));
  ASSERT_GE(n, 15u);
  for (const char* p : {"v6.14", "v6.17", "v6.19", "v7.0-rc", "pause-rfc", "pause-rfc-fix", "v7.0",
                        "v7.0.y", "mm-new"}) {
    const Result r =
        run(target("fuzz_walk_sim"), corpus("seeds").string(), std::string("DAMON_PROFILE=") + p);
    EXPECT_TRUE(r.code == 0 || r.code == 1) << p << ":\n" << r.out;
    EXPECT_NE(r.out.find("replayed " + std::to_string(n) + " input(s) on profile " + p),
              std::string::npos)
        << r.out;
  }
}

TEST(FuzzReplay, ProgramTextKeepsTheSeedsConsistent) {
  const Result r = run(target("fuzz_program_text"), corpus("seeds").string());
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST(FuzzReplay, BadInputExitsTwo) {
  TempDir d;
  const std::string bad = d.file("bad.txt", "damon-harness program v1\ncpu7: walk ctx0\n");
  Result r = run(target("fuzz_walk_sim"), bad);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(bad + ":2:1: error:"), std::string::npos) << r.out;
  r = run(target("fuzz_walk_sim"), (d.path() / "missing").string());
  EXPECT_EQ(r.code, 2) << r.out;
  r = run(target("fuzz_walk_sim"), bad, "DAMON_PROFILE=v9");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown profile 'v9'"), std::string::npos) << r.out;
}

TEST(FuzzReplay, BytesAndLibFuzzerFlagsAreAccepted) {
  TempDir d;
  d.file("a", std::string("\x00\x01\x04\x00\x01\x01", 6));
  d.file("b", "");
  const Result r =
      run(target("fuzz_walk_sim"), "-runs=10 -artifact_prefix=/nowhere/ " + d.path().string());
  EXPECT_TRUE(r.code == 0 || r.code == 1) << r.out;
  EXPECT_NE(r.out.find("replayed 2 input(s)"), std::string::npos) << r.out;
}

// OSS-Fuzz cannot set DAMON_PROFILE: fuzz_walk_sim_<profile, '.' and '-' as '_'>.
TEST(FuzzReplay, ProfileFromBinaryName) {
  TempDir d;
  const fs::path link = d.path() / "fuzz_walk_sim_v7_0_rc";
  fs::create_symlink(target("fuzz_walk_sim"), link);
  const std::string seed = (corpus("seeds") / "start-stop.txt").string();
  Result r = run(link.string(), seed);
  EXPECT_NE(r.out.find("on profile v7.0-rc"), std::string::npos) << r.out;
  r = run(link.string(), seed, "DAMON_PROFILE=v6.14");
  EXPECT_NE(r.out.find("on profile v6.14"), std::string::npos) << "the environment wins\n" << r.out;
  const fs::path wrong = d.path() / "fuzz_walk_sim_v9";
  fs::create_symlink(target("fuzz_walk_sim"), wrong);
  EXPECT_EQ(run(wrong.string(), seed).code, 2);
}

}  // namespace
