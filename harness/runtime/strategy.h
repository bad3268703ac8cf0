// Scheduling strategies for the deterministic runtime: one strategy per file
// behind this three-method interface. The runtime asks pick() at every
// scheduling point that has more than one candidate; the runtime itself records
// what was chosen (as a Schedule), so every strategy's runs replay through
// make_schedule_strategy().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <boost/container/small_vector.hpp>

#include "harness/runtime/schedule.h"

namespace rt {

struct Candidate {
  int tid = -1;
  bool sleeping = false;  // choosing it fires its timer (virtual time jumps to wake_ns)
  uint64_t wake_ns = 0;
};

// What one transition touched: the steps run between two decisions with a
// choice. `objs` are the synchronisation objects and tracked objects accessed
// (by address); `global` marks a transition that is dependent on every other
// (a second thread ran in it, virtual time moved, a thread was created or
// ended, shared state without an object was accessed). Only recorded for a
// strategy whose wants_footprints() is true (the systematic search's sleep sets).
struct Footprint {
  boost::container::small_vector<const void*, 8> objs;
  bool global = false;
  int tid = -1;  // the thread that ran first in the transition
  void add(const void* obj) {
    if (!obj) {
      global = true;
      return;
    }
    for (const void* o : objs)
      if (o == obj) return;
    if (objs.size() >= 32) {
      global = true;  // too wide to be worth comparing
      return;
    }
    objs.push_back(obj);
  }
  // Two transitions commute unless one is global or both touch one object.
  bool dependent(const Footprint& o) const {
    if (global || o.global) return true;
    for (const void* a : objs)
      for (const void* b : o.objs)
        if (a == b) return true;
    return false;
  }
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Start of one execution; `run_index` counts executions made with this strategy.
  virtual void begin(uint64_t run_index) = 0;
  // Index into `cands` of the thread to run next. `default_idx` is what the
  // default policy (see schedule.h) would run; returning it is "no preemption".
  // `current` is the thread whose point this is, or -1 when it blocks or
  // finishes (then every candidate is another thread). `at_acquire`: the
  // running thread is about to acquire (a mutex, a completion, a join). Where
  // shared state is only touched under locks, preemptions there reach every
  // outcome (CHESS's observation), so a strategy may count only these points.
  virtual size_t pick(std::span<const Candidate> cands, size_t default_idx, int current,
                      bool at_acquire) = 0;
  // One line for logs and finding files: "pct(seed=7,depth=3)".
  virtual std::string describe() const = 0;
  // Asked once per execution: whether the runtime records each transition's
  // Footprint and hands it to transition_done(): before every pick() (the
  // transition that the previous pick() chose, or the run's start) and once
  // at the end of the run.
  virtual bool wants_footprints() const { return false; }
  virtual void transition_done(const Footprint&) {}
};

// Follows a recorded or scripted schedule exactly; preemptions whose target is
// not a candidate at that point are skipped. A PCT schedule runs as
// make_given_pct_strategy().
std::unique_ptr<Strategy> make_schedule_strategy(Schedule s);
// Decodes bytes (from a fuzzer) into a schedule: each pair of bytes is one
// preemption (delay, thread). See choice_stream.cc.
Schedule schedule_from_choice_bytes(const uint8_t* data, size_t size);
std::unique_ptr<Strategy> make_choice_stream_strategy(const uint8_t* data, size_t size);
// Uniform choice among candidates at every point; run i uses seed+i.
std::unique_ptr<Strategy> make_random_strategy(uint64_t seed);
// Probabilistic concurrency testing (Burckhardt et al., ASPLOS'10): random thread
// priorities and depth-1 priority change points over `expected_steps` steps.
std::unique_ptr<Strategy> make_pct_strategy(uint64_t seed, int depth, uint64_t expected_steps);
// PCT with the priorities and change points of a schedule (the same every run).
std::unique_ptr<Strategy> make_given_pct_strategy(const PctSchedule& s);

}  // namespace rt
