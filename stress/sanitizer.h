// Sanitizer reports during a damon-stress session. A report belongs to the run
// in progress, whose program is in DIR/current.txt (rewritten atomically before
// every run). When the sanitizer prints a report's summary line, that file is
// kept under a name of its own (a hard link, so the next run's rewrite leaves it
// alone) and the name is printed; if the sanitizer ends the process first
// (a fatal error), its death callback does the same. With halt_on_error=0 the
// session goes on and counts the reports. Without a sanitizer nothing is ever
// reported and these are no-ops.
#pragma once

#include <cstdint>
#include <string>

namespace stress {

// Installs the death callback; the summary hook needs no installing.
void install_sanitizer_hooks();
// A report from now on belongs to the run whose program is in `current`; it is
// kept as `keep` (replacing an older file of that name).
void arm_sanitizer_keep(const std::string& current, const std::string& keep);
// Reports seen so far (by their summary lines).
uint64_t sanitizer_reports();

}  // namespace stress
