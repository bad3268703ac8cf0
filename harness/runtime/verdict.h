// Verdicts and findings: the generic vocabulary of what a run can end in. The
// runtime raises the hang kinds itself; the layers above raise the others through
// Execution::report().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/runtime/site.h"

namespace rt {

enum class Verdict {
  kOk,               // every thread finished, no oracle fired
  kDeadlock,         // nothing runnable, nothing sleeping, some thread blocked (os: proven
                     // by the deadlock detector: every unfinished thread waits)
  kLostRequest,      // a waiter's completion became unreachable ("lost request")
  kLivelock,         // virtual time passed, or the run spun, while no client made progress
  kWatchdogHang,     // os runtime: a wait made no progress for the watchdog timeout
  kUseAfterFree,     // access to an object after it died (caller return or free)
  kDoubleFree,       // an object freed twice
  kLeak,             // an object that had to be freed by the protocol never was
  kReturnContract,   // a return-code contract of the protocol was broken
  kCallerContract,   // the caller broke a documented precondition
  kBudgetExhausted,  // sim: the step or virtual-time safety net ended the run first (no finding)
  kHarnessBug,       // the harness contradicted itself (e.g. replay diverged)
};

// "deadlock", "lost-request", ... : stable names used in files and reports.
std::string_view verdict_name(Verdict v);
// Parses a name produced by verdict_name(); returns false if unknown.
bool parse_verdict(std::string_view s, Verdict* out);
// True for the verdicts that mean "some call never returned".
bool is_hang(Verdict v);
// True for every verdict that is a finding about the protocol (not kOk,
// kCallerContract or kBudgetExhausted).
bool is_protocol_bug(Verdict v);

// What one blocked thread was doing when a hang was declared.
struct BlockedThread {
  int tid = -1;
  std::string thread;     // thread name ("cpu0", "kdamond.0", "teardown")
  std::string waits_on;   // object description ("completion walk#2", "mutex walk_control_lock")
  std::string wait_site;  // "damos_walk:wait completion"
  std::string stack;      // protocol-level call stack, outermost first, " > " separated
  int holder = -1;        // for a mutex: tid of the owner, else -1
  uint64_t since_step = 0;
  std::vector<std::string> recent;  // recent scheduling points, oldest first
};

struct Finding {
  Verdict verdict = Verdict::kOk;
  std::string message;  // one line
  std::string detail;   // multi-line: wait-for graph, both stacks, ...
  int tid = -1;         // thread that triggered it (-1 for global conditions)
  std::string site;     // "func:label" where it was detected
  std::vector<BlockedThread> blocked;
  uint64_t step = 0;  // scheduling step at which it was raised
};

}  // namespace rt
