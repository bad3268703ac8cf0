// damon-harness triage PATH...: replay, classify, bucket and minimise findings
// (libFuzzer artifacts, finding files, text programs, folders of them) into a
// report (harness/report/triage.h, docs/triage.md).
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/report/commands.h"

namespace cli {
namespace {

CommandMain setup_triage(CLI::App& app) {
  auto a = std::make_shared<report::TriageArgs>();
  app.add_option("PATH", a->options.paths,
                 "artifacts (crash-*, timeout-*, leak-*, oom-*), finding files, programs, folders")
      ->required();
  app.add_option("--out", a->out_dir, "output folder: report.md, report.json, bucket-<n>.txt")
      ->type_name("DIR")
      ->capture_default_str();
  auto* profile = app.add_option("--profile", a->options.profile,
                                 "triage every input on this profile only (default: the input's "
                                 "own, else the first profile where it gives a finding)")
                      ->type_name("PROFILE");
  app.add_flag("--all-profiles", a->options.all_profiles, "triage every input on every profile")
      ->excludes(profile);
  app.add_option("--jobs", a->options.jobs, "worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--replays", a->options.sim_replays, "sim replays per input (reproducibility)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_flag("!--no-minimize", a->options.minimize, "skip minimisation");
  app.add_option("--search-preemptions", a->options.search_preemptions,
                 "per-profile search for each bucket's signature within K preemptions "
                 "(-1: no search, the replay column only)")
      ->check(CLI::Range(-1, 8))
      ->capture_default_str();
  app.add_option("--search-max-schedules", a->options.search_max_schedules,
                 "schedules per profile and bucket before the search gives up")
      ->capture_default_str();
  return [a] { return report::triage_command(*a, std::cout, std::cerr); };
}

const Registrar kTriage{"triage", "group findings by signature, minimise and report them", 60,
                        setup_triage};

}  // namespace
}  // namespace cli
