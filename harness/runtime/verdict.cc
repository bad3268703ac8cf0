#include "harness/runtime/verdict.h"

#include <array>
#include <utility>

namespace rt {
namespace {

// The names are written into corpus files and reports, so they never change
// once released; parse_verdict() depends on them being unique.
constexpr std::array<std::pair<Verdict, std::string_view>, 12> kNames = {{
    {Verdict::kOk, "ok"},
    {Verdict::kDeadlock, "deadlock"},
    {Verdict::kLostRequest, "lost-request"},
    {Verdict::kLivelock, "livelock"},
    {Verdict::kWatchdogHang, "watchdog-hang"},
    {Verdict::kUseAfterFree, "use-after-free"},
    {Verdict::kDoubleFree, "double-free"},
    {Verdict::kLeak, "leak"},
    {Verdict::kReturnContract, "return-contract"},
    {Verdict::kCallerContract, "caller-contract"},
    {Verdict::kBudgetExhausted, "budget-exhausted"},
    {Verdict::kHarnessBug, "harness-bug"},
}};

}  // namespace

std::string_view verdict_name(Verdict v) {
  for (const auto& [verdict, name] : kNames)
    if (verdict == v) return name;
  return "unknown";
}

bool parse_verdict(std::string_view s, Verdict* out) {
  for (const auto& [verdict, name] : kNames) {
    if (name == s) {
      *out = verdict;
      return true;
    }
  }
  return false;
}

bool is_hang(Verdict v) {
  switch (v) {
    case Verdict::kDeadlock:
    case Verdict::kLostRequest:
    case Verdict::kLivelock:
    case Verdict::kWatchdogHang:
      return true;
    default:
      return false;
  }
}

bool is_protocol_bug(Verdict v) {
  return v != Verdict::kOk && v != Verdict::kCallerContract && v != Verdict::kBudgetExhausted;
}

}  // namespace rt
