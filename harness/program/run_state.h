// Internal to the executor: the caller-side state of one run (context slots,
// the parameters each slot was last committed with, per-client repeat
// controls) and the functions that carry out one operation.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/kernel/kernel.h"
#include "harness/program/backend.h"
#include "harness/program/executor.h"
#include "harness/program/oracle.h"
#include "harness/program/profiles.h"

namespace program {

struct Slot {
  std::atomic<Ctx*> ctx{nullptr};
  // Serialises a caller's "commit directly while stopped", starts, re-creates
  // and the teardown's stops, as a module's param_lock or sysfs's
  // damon_sysfs_lock would.
  kernel::mutex caller_lock{"caller_lock"};
  std::mutex params_mu;  // invisible to TSan: harness bookkeeping
  CtxParams params;
  // Client calls on this slot in progress. inflight_mu makes a caller's "count
  // myself in, then look at the ctx" one step against a re-create's "check the
  // count, then take the ctx away": on real threads the two would otherwise
  // interleave, and a caller could use a ctx the re-create had just destroyed.
  // The mutex is visible to TSan on purpose: a re-create that found no call in
  // flight comes after the calls that left, as a caller's own lock (sysfs's
  // damon_sysfs_lock) would order them.
  std::mutex inflight_mu;
  int inflight = 0;
};

struct RunState {
  const ProfileInfo* profile = nullptr;
  Oracle oracle;
  std::unique_ptr<Backend> backend;  // after the oracle it reports to
  Slot slots[kMaxCtxs];
  // Module-style static repeat controls, one per (client, slot), made at their
  // first use; row kSetupClient is the setup block's.
  CallControl* statics[kMaxClients + 1][kMaxCtxs] = {};
  CallRecord static_records[kMaxClients + 1][kMaxCtxs];
  // The program the clients run. Sim threads never outlive execute(), so there
  // it is the caller's; an abandoned os thread may, so there it is a copy.
  const Program* program = nullptr;
  Program program_copy;
  std::vector<OpResult> results;
  std::vector<OpResult> setup_results;
  std::vector<std::unique_ptr<WalkRecord>> walks;  // kept for the run's length
  std::vector<std::unique_ptr<CallRecord>> calls;
  std::mutex records_mu;
  std::vector<int> client_tids;
};

// Creates the initial contexts, then runs the program's setup block (setup
// thread).
void setup_contexts(RunState& st);
// Carries out one op on the calling client thread; returns its return value.
// `text` is format_op(op).
int run_op(RunState& st, int client, int index, const Op& op, const std::string& text);
// Stops every running context (teardown).
void stop_all(RunState& st);
// Final checks after teardown: leaked dealloc_on_cancel controls.
void final_checks(RunState& st);

}  // namespace program
