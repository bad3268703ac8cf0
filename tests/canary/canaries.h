// Planted-bug canaries: small protocols that know nothing about DAMON, written
// against the kernel primitives, each with one bug and a corrected twin. They
// prove that each detector fires on its bug and stays quiet on the fix.
#pragma once

#include "harness/runtime/execution.h"

namespace canary {

enum class Kind {
  kLostRequest,     // a worker clears a request slot it no longer owns
  kAbba,            // two locks taken in opposite orders
  kUseAfterReturn,  // a worker completes a caller-owned request after its caller returned
  kNeverCompleted,  // a worker's early-exit path forgets complete()
  kRace,            // an unprotected field written by two threads (TSan)
  // An unprotected field written by a thread that has exited and by a thread
  // created later by another one that never synchronised with it (TSan): a
  // runtime that reuses OS threads must not order the two.
  kRaceAfterExit,
};

// Spawns the canary's threads into `e` (buggy or fixed twin). The caller owns a
// kernel::World attached to `e` and runs it.
void spawn(Kind k, bool buggy, rt::Execution& e);

}  // namespace canary
