// libFuzzer's custom mutator and cross-over for the program targets
// (fuzz_walk_sim, fuzz_walk_os): they mutate operations and schedule choices
// (harness/program/mutate.h); the dictionary covers libFuzzer's own byte-level
// mutations. Linked into both targets, so they search the same space.
#include <cstddef>
#include <cstdint>

#include "harness/program/mutate.h"

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return program::mutate_bytes(data, size, max_size, seed);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* d1, size_t s1, const uint8_t* d2,
                                            size_t s2, uint8_t* out, size_t max_out,
                                            unsigned int seed) {
  return program::crossover_bytes(d1, s1, d2, s2, out, max_out, seed);
}
