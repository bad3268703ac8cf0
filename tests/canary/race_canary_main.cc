// race_canary sim|os racy|clean: runs the data-race canary once under
// ThreadSanitizer; ctest checks TSan's output (see tests/CMakeLists.txt).
#include <cstdio>
#include <cstring>

#include "run.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: race_canary sim|os racy|clean\n");
    return 2;
  }
  const bool buggy = std::strcmp(argv[2], "racy") == 0;
  if (std::strcmp(argv[1], "sim") == 0) {
    auto s = rt::make_random_strategy(1);
    canary::run_sim(canary::Kind::kRace, buggy, *s, 0);
  } else {
    canary::run_os(canary::Kind::kRace, buggy, 5000, 1);
  }
  std::printf("race canary done\n");
  return 0;
}
