// damon-harness crosscheck PATH... --profile A --against B: every program on
// both profiles, searched the same way, one table (harness/report/crosscheck.h).
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/report/crosscheck.h"

namespace cli {
namespace {

CommandMain setup_crosscheck(CLI::App& app) {
  auto a = std::make_shared<report::CrossOptions>();
  app.add_option("PATH", a->paths, "programs and folders of them (e.g. corpus)")->required();
  app.add_option("--profile", a->profile_a, "the first profile")->required()->type_name("A");
  app.add_option("--against", a->profile_b, "the profile to compare with")
      ->required()
      ->type_name("B");
  app.add_option("--search-preemptions", a->search_preemptions,
                 "search each program's schedules within K preemptions on both profiles "
                 "(-1: the programs' own schedules only)")
      ->check(CLI::Range(-1, 8))
      ->capture_default_str();
  app.add_option("--search-max-schedules", a->search_max_schedules,
                 "schedules per program and profile before the search gives up")
      ->capture_default_str();
  app.add_option("--known", a->known_file,
                 "known-differences file (default: known-differences.txt in or above the "
                 "first PATH)")
      ->type_name("FILE");
  app.add_option("--jobs", a->jobs, "worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_flag("--json", a->json, "print the rows as JSON");
  return [a] { return report::crosscheck_command(*a, std::cout, std::cerr); };
}

const Registrar kCrosscheck{"crosscheck",
                            "run programs on two profiles and compare their verdicts and "
                            "signatures; exit 1 on an unexplained difference",
                            65, setup_crosscheck};

}  // namespace
}  // namespace cli
