// Classification: the triage class of one input, from its replays.
//
// Rules, in order:
//  1. a sanitizer report recorded with the input (a finding file's header naming
//     ThreadSanitizer, AddressSanitizer or UndefinedBehaviorSanitizer) gives the
//     sanitizer class whatever the replays say (the sim runtime cannot see it);
//  2. no sim replay (and no os replay) reproduces a finding: no longer reproduces;
//  3. the sim replays disagree (some but not all reproduce, or the same verdict
//     with different trace hashes), or the verdict is harness-bug: harness bug,
//     because the sim runtime promises exact replay;
//  4. otherwise the class of the verdict.
#pragma once

#include <string>
#include <string_view>

#include "harness/runtime/verdict.h"

namespace report {

enum class TriageClass {
  kDeadlock,
  kLostRequest,
  kLivelock,      // livelock / starvation
  kUseAfterFree,  // use after return/free, double free, leak
  kReturnContract,
  kCallerContract,
  kTsanRace,
  kSanitizer,  // ASan/UBSan report
  kNoLongerReproduces,
  kHarnessBug,
};

// "deadlock", "lost request", "livelock/starvation", "use after return/free", ...
std::string_view class_name(TriageClass c);

// The class a verdict maps to when it reproduces deterministically.
TriageClass class_of_verdict(rt::Verdict v);

enum class SanitizerKind { kNone, kTsan, kAsan };
// Looks for a sanitizer banner in a finding file's header comments.
SanitizerKind sanitizer_in(std::string_view header_text);

struct ReplayStats {
  int sim_runs = 0;
  int sim_reproduced = 0;  // runs with the first run's signature and a finding
  bool sim_hash_mismatch = false;
  int os_runs = 0;
  int os_reproduced = 0;                   // runs with a finding
  rt::Verdict verdict = rt::Verdict::kOk;  // first finding verdict seen (sim, then os)
};

TriageClass classify(const ReplayStats& s, SanitizerKind sanitizer);

}  // namespace report
