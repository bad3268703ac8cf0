// Runs one canary on one runtime and returns the verdict.
#pragma once

#include <functional>

#include "canaries.h"
#include "harness/kernel/world.h"
#include "harness/runtime/execution.h"

namespace canary {

inline rt::RunResult run_sim(Kind k, bool buggy, rt::Strategy& s, uint64_t run_index) {
  rt::Options o;
  o.record_trace = false;
  auto e = rt::make_sim_execution(s, run_index, o);
  kernel::World w;
  w.attach(*e);
  spawn(k, buggy, *e);
  return e->run();
}

// Runs the threads that `threads` spawns on a fresh os execution with its own
// World. A run whose threads could not all be unwound is abandoned: they still
// use the execution and the world, so both are then deliberately leaked, as
// the os runtime documents. *abandoned, if given, says which it was.
inline rt::RunResult run_os_threads(const rt::Options& o,
                                    const std::function<void(rt::Execution&)>& threads,
                                    bool* abandoned = nullptr) {
  auto e = rt::make_os_execution(o);
  auto* w = new kernel::World();
  w->attach(*e);
  threads(*e);
  rt::RunResult r = e->run();
  const bool left = e->abandoned();
  if (abandoned) *abandoned = left;
  if (left) {
    (void)e.release();
  } else {
    delete w;
  }
  return r;
}

inline rt::RunResult run_os(Kind k, bool buggy, uint64_t watchdog_ms, uint32_t perturb_seed = 0,
                            bool detect_deadlock = true) {
  rt::Options o;
  o.watchdog_ms = watchdog_ms;
  o.detect_deadlock = detect_deadlock;
  o.watchdog_abort = false;
  o.perturb_seed = perturb_seed;
  o.perturb_rate = perturb_seed ? 64 : 0;
  return run_os_threads(o, [k, buggy](rt::Execution& e) { spawn(k, buggy, e); });
}

}  // namespace canary
