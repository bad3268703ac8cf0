#include "harness/report/classify.h"

namespace report {

std::string_view class_name(TriageClass c) {
  switch (c) {
    case TriageClass::kDeadlock:
      return "deadlock";
    case TriageClass::kLostRequest:
      return "lost request";
    case TriageClass::kLivelock:
      return "livelock/starvation";
    case TriageClass::kUseAfterFree:
      return "use after return/free";
    case TriageClass::kReturnContract:
      return "return-code contract violation";
    case TriageClass::kCallerContract:
      return "caller contract violation";
    case TriageClass::kTsanRace:
      return "TSan data race";
    case TriageClass::kSanitizer:
      return "ASan/UBSan report";
    case TriageClass::kNoLongerReproduces:
      return "no longer reproduces";
    case TriageClass::kHarnessBug:
      return "harness bug";
  }
  return "unknown";
}

TriageClass class_of_verdict(rt::Verdict v) {
  switch (v) {
    case rt::Verdict::kDeadlock:
    case rt::Verdict::kWatchdogHang:
      return TriageClass::kDeadlock;
    case rt::Verdict::kLostRequest:
      return TriageClass::kLostRequest;
    case rt::Verdict::kLivelock:
      return TriageClass::kLivelock;
    case rt::Verdict::kUseAfterFree:
    case rt::Verdict::kDoubleFree:
    case rt::Verdict::kLeak:
      return TriageClass::kUseAfterFree;
    case rt::Verdict::kReturnContract:
      return TriageClass::kReturnContract;
    case rt::Verdict::kCallerContract:
      return TriageClass::kCallerContract;
    case rt::Verdict::kHarnessBug:
      return TriageClass::kHarnessBug;
    case rt::Verdict::kOk:
    case rt::Verdict::kBudgetExhausted:  // inconclusive: the run did not end
      break;
  }
  return TriageClass::kNoLongerReproduces;
}

SanitizerKind sanitizer_in(std::string_view text) {
  if (text.find("ThreadSanitizer") != std::string_view::npos) return SanitizerKind::kTsan;
  if (text.find("AddressSanitizer") != std::string_view::npos ||
      text.find("UndefinedBehaviorSanitizer") != std::string_view::npos ||
      text.find("LeakSanitizer") != std::string_view::npos)
    return SanitizerKind::kAsan;
  return SanitizerKind::kNone;
}

TriageClass classify(const ReplayStats& s, SanitizerKind sanitizer) {
  if (sanitizer == SanitizerKind::kTsan) return TriageClass::kTsanRace;
  if (sanitizer == SanitizerKind::kAsan) return TriageClass::kSanitizer;
  if (s.sim_reproduced == 0 && s.os_reproduced == 0) return TriageClass::kNoLongerReproduces;
  if (s.sim_reproduced == 0) return class_of_verdict(s.verdict);
  if (s.sim_reproduced < s.sim_runs || s.sim_hash_mismatch) return TriageClass::kHarnessBug;
  return class_of_verdict(s.verdict);
}

}  // namespace report
