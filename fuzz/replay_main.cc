// The main() of a fuzz target built without libFuzzer: runs every file given,
// and every file in every folder given (not recursive, sorted), through
// LLVMFuzzerTestOneInput once, so gcc builds and ctest can replay corpora.
// Arguments starting with '-' are libFuzzer flags: -artifact_prefix= is read by
// the target, the others are ignored.
//
// Findings are printed and counted, not fatal. Exit codes (docs/ci.md): 0 no
// finding, 1 a finding, 2 bad input (a missing path, an unreadable file, a text
// program that does not parse). A crash of the harness itself is a crash.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "fuzz/common.h"
#include "harness/program/load.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  fuzz::target().replay_mode = true;
  LLVMFuzzerInitialize(&argc, &argv);
  fuzz::ReplayStats& stats = fuzz::replay_stats();
  std::vector<std::string> files;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    std::string err;
    if (!program::list_inputs(argv[i], &files, &err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      stats.bad++;
    }
  }
  for (const std::string& f : files) {
    std::string data, err;
    if (!program::read_file(f, &data, &err)) {
      std::fprintf(stderr, "%s (skipped)\n", err.c_str());
      stats.bad++;
      continue;
    }
    fuzz::target().current_input = f;
    stats.inputs++;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  std::printf("%s: replayed %d input(s) on profile %s: %d finding(s), %d bad input(s)\n",
              fuzz::target().name.c_str(), stats.inputs, fuzz::target().settings.profile.c_str(),
              stats.findings, stats.bad);
  if (stats.bad) return 2;
  return stats.findings ? 1 : 0;
}
