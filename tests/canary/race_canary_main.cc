// race_canary sim|os racy|clean [race|after-exit]: runs a data-race canary
// under ThreadSanitizer; ctest checks TSan's output (see tests/CMakeLists.txt).
// `after-exit` first runs its clean twin twice on the same runtime, so that on
// os the racy run's threads are OS threads reused from earlier runs.
#include <cstdio>
#include <cstring>

#include "run.h"

namespace {

void run_once(bool os, canary::Kind k, bool buggy) {
  if (!os) {
    auto s = rt::make_random_strategy(1);
    canary::run_sim(k, buggy, *s, 0);
  } else {
    canary::run_os(k, buggy, 5000, 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: race_canary sim|os racy|clean [race|after-exit]\n");
    return 2;
  }
  const bool os = std::strcmp(argv[1], "os") == 0;
  const bool buggy = std::strcmp(argv[2], "racy") == 0;
  const bool after_exit = argc == 4 && std::strcmp(argv[3], "after-exit") == 0;
  if (after_exit) {
    run_once(os, canary::Kind::kRaceAfterExit, false);
    run_once(os, canary::Kind::kRaceAfterExit, false);
    run_once(os, canary::Kind::kRaceAfterExit, buggy);
  } else {
    run_once(os, canary::Kind::kRace, buggy);
  }
  std::printf("race canary done\n");
  return 0;
}
