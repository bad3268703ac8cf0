// Structure-aware mutation for LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver:
// decode, mutate at the level of operations and preemptions, encode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "harness/program/op.h"
#include "harness/runtime/rng.h"

namespace program {

// The seeded PRNG of mutation and program generation.
using Rng = rt::SplitMix64;

// One named edit of a program. apply() returns false when the edit does not
// apply (no operation to remove, a client already full, ...); it then leaves
// the program alone. Every edit keeps the program within the limits.
struct MutationEdit {
  const char* name;
  uint32_t weight;         // how often mutate_once() draws it for a program that cannot race
  uint32_t racing_weight;  // ... and for one that can (two threads that may interleave)
  bool (*apply)(Program* p, Rng& rng);
};
// The edits and their weights, in one table (mutate.cc).
std::span<const MutationEdit> mutation_edits();
// Two clients with operations, or one that starts a kdamond.
bool can_race(const Program& p);

// Mutates `p` in place with randomness from `seed`: one to four edits drawn
// from mutation_edits(), until the program differs from what it was.
void mutate_program(Program* p, uint32_t seed);
// Writes a mutation of data[0..size) into data (capacity max_size); returns the
// new size. Falls back to byte-level mutation for part of the calls.
size_t mutate_bytes(uint8_t* data, size_t size, size_t max_size, uint32_t seed);
// Cross-over at the operation level.
size_t crossover_bytes(const uint8_t* d1, size_t s1, const uint8_t* d2, size_t s2, uint8_t* out,
                       size_t max_out, uint32_t seed);

}  // namespace program
