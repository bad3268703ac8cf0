// damon-harness timeline FILE: run a program with its own schedule and draw the
// run as one column per thread (clients as cpuN), like the DAMON review
// thread's diagrams
// (harness/report/timeline.h).
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/report/commands.h"

namespace cli {
namespace {

CommandMain setup_timeline(CLI::App& app) {
  auto a = std::make_shared<report::TimelineArgs>();
  auto style = std::make_shared<std::string>("box");
  app.add_option("FILE", a->file, "program: text format or fuzzer bytes")->required();
  app.add_option("--profile", a->profile,
                 "kernel profile (default: the file's own, else pause-rfc)")
      ->type_name("PROFILE");
  app.add_option("--width", a->timeline.width, "line width")
      ->check(CLI::Range(20, 1000))
      ->capture_default_str();
  app.add_option("--style", *style, "box (│ ─ ┼ ▼) or ascii (| - + v)")
      ->check(CLI::IsMember({"box", "ascii"}))
      ->capture_default_str();
  app.add_flag("--all", a->timeline.show_all,
               "show every scheduling point (mutex lock/unlock, reads, setup)");
  app.add_option("--max-rows", a->timeline.max_rows, "elide the middle of longer timelines")
      ->check(CLI::Range(10, 1000000))
      ->capture_default_str();
  return [a, style] {
    a->timeline.style =
        *style == "ascii" ? report::TimelineStyle::kAscii : report::TimelineStyle::kBox;
    return report::timeline_command(*a, std::cout, std::cerr);
  };
}

const Registrar kTimeline{"timeline", "draw a run as one column per thread", 80, setup_timeline};

}  // namespace
}  // namespace cli
