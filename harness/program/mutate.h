// Structure-aware mutation for LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver:
// decode, mutate at the level of operations and preemptions, encode.
#pragma once

#include <cstddef>
#include <cstdint>

#include "harness/program/op.h"
#include "harness/runtime/rng.h"

namespace program {

// The seeded PRNG of mutation and program generation.
using Rng = rt::SplitMix64;

// Mutates `p` in place with randomness from `seed`: insert/delete/replace/swap an
// operation, change an argument, move an op to another client, add/delete/shift a
// preemption.
void mutate_program(Program* p, uint32_t seed);
// Writes a mutation of data[0..size) into data (capacity max_size); returns the
// new size. Falls back to byte-level mutation for part of the calls.
size_t mutate_bytes(uint8_t* data, size_t size, size_t max_size, uint32_t seed);
// Cross-over at the operation level.
size_t crossover_bytes(const uint8_t* d1, size_t s1, const uint8_t* d2, size_t s2, uint8_t* out,
                       size_t max_out, uint32_t seed);

}  // namespace program
