// Signatures: what makes two findings the same bug. A signature is the verdict
// plus protocol-level facts read from the outcome, never a hash of the input and
// never the target or profile name, so a finding reached by different programs,
// schedules or kernel versions lands in one bucket.
//
// Facts, by verdict (each "kind value", sorted, no duplicates):
//  - hangs: "wait FUNC:LABEL" for every blocked client thread (for a lost request
//    only its waiter, Finding.tid: the run stops at the drop, so the other
//    clients are wherever they happened to be); "detected FUNC:LABEL"
//    (Finding.site; not for livelock/watchdog, whose detection point is wherever the
//    budget ran out); "func F" for the kernel function named in the message ("...
//    dropped by kdamond.0 at damos_walk_cancel:unset request" -> damos_walk_cancel);
//    "request K" for the op each blocked client has in flight (walk, call,
//    call-repeat, call-repeat-dealloc, start, ...; pause, resume and commit
//    count as call, the one-shot damon_call() they make while running);
//  - use-after-free: "access FUNC:LABEL" and "death FUNC:LABEL"; double-free: the
//    second and the first free sites; leak: the message without numbers;
//  - return-, caller-contract, harness-bug: "contract MESSAGE" with every digit run
//    replaced by "N".
#pragma once

#include <string>
#include <vector>

#include "harness/program/executor.h"

namespace report {

struct Signature {
  rt::Verdict verdict = rt::Verdict::kOk;
  std::vector<std::string> facts;
  // "lost-request | detected damos_walk:wait_for_completion | func damos_walk_cancel | ..."
  std::string key() const;
  // The signature's name in a findings store (report/store.h) and in crash
  // reports: 14 lower-case letters from a 64-bit hash of key(). Letters only,
  // because ClusterFuzz rewrites digit runs in a crash state as "NUMBER".
  std::string id() const;
  bool operator==(const Signature& o) const { return key() == o.key(); }
};

Signature signature_of(const program::Outcome& o);

// The line a crash-per-bug fuzz target prints just before it aborts:
//   ASSERTION FAILED: damon-harness VERDICT ID: KEY
// ClusterFuzz's stack analyzer takes a line of this form as an assertion
// (crash type ASSERT) and makes the text after "ASSERTION FAILED: ", cut to
// 80 characters, the first line of the crash state, ahead of the stack's
// frames. The verdict and the id come first, so two signatures give two crash
// states even when every finding aborts from the same function.
std::string assertion_line(const Signature& s);

// Digit runs replaced by "N": "cpu0 op#3" -> "cpuN op#N".
std::string strip_numbers(std::string_view s);
// The op kind of a formatted op: "call ctx0 repeat dealloc" -> "call-repeat-dealloc".
std::string request_kind(std::string_view formatted_op);
// The function of the first "at FUNC:LABEL" in a message, or "".
std::string function_in_message(std::string_view message);

}  // namespace report
