// Random workloads for damon-stress and the benchmark corpora: seeded programs of
// up to kMaxOpsPerClient operations per client, drawn from a weighted mix of
// operation kinds. The same seed and configuration give the same program.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/program/config.h"
#include "harness/program/executor.h"
#include "harness/program/mutate.h"
#include "harness/program/op.h"
#include "harness/program/profiles.h"

namespace stress {

// Relative weight of each OpKind (indexed by the enum); 0 leaves a kind out.
struct OpMix {
  std::array<unsigned, program::kNumOpKinds> weight{};
  unsigned total() const;
};

// The default mix: each kind's workload weight in ops.def, as KIND=WEIGHT,...
std::string default_mix_text();

// Starts from all-zero weights; kinds not named stay 0. Errors name the bad item.
bool parse_mix(std::string_view text, OpMix* out, std::string* err);
std::string format_mix(const OpMix& mix);

struct WorkloadConfig {
  const program::ProfileInfo* profile = nullptr;
  int clients = 2;                                 // 1..kMaxClients
  int contexts = 1;                                // 1..kMaxCtxs
  int ops_per_client = program::kMaxOpsPerClient;  // upper bound; each client draws 1..this
  bool exact_length = false;                       // every client gets exactly ops_per_client ops
  uint16_t max_sleep_ms = 200;
  // Apply the start-before-call/walk rule below to every profile.
  bool start_before_use = false;
  OpMix mix;
};

// One random program. For profiles whose kernel-doc asks callers to start a ctx
// before damon_call()/damos_walk() on it, a client only calls or walks a ctx it
// has started earlier in its own list (and has not recreated since), so the
// generator mostly stays clear of caller-contract verdicts.
program::Program generate_program(program::Rng& rng, const WorkloadConfig& cfg);

}  // namespace stress
