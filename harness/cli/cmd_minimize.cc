// damon-harness minimize FILE: shrink a program (ops, then preemptions, then
// delays) while it keeps its signature (harness/program/minimize.h).
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/report/commands.h"

namespace cli {
namespace {

CommandMain setup_minimize(CLI::App& app) {
  auto a = std::make_shared<report::MinimizeArgs>();
  app.add_option("FILE", a->file, "program: text format or fuzzer bytes")->required();
  app.add_option("--profile", a->profile,
                 "kernel profile (default: the file's own, else pause-rfc)")
      ->type_name("PROFILE");
  app.add_option("-o,--output", a->output, "write the minimal program here")->type_name("OUT");
  app.add_option("--max-runs", a->max_runs, "execution budget")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--search-max-schedules", a->search_max_schedules,
                 "schedules the search for the fewest preemptions may run (0: no search)")
      ->capture_default_str();
  return [a] { return report::minimize_command(*a, std::cout, std::cerr); };
}

const Registrar kMinimize{"minimize", "shrink a program while it keeps its signature", 70,
                          setup_minimize};

}  // namespace
}  // namespace cli
