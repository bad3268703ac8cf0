// A small, fast, seedable PRNG (splitmix64) for strategies, generators, the
// mutator and tests: the project's one copy. Its sequence is part of the
// replay contract (a libFuzzer seed reproduces the same mutation on every
// machine): do not change it.
#pragma once

#include <cstdint>

namespace rt {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); 0 (drawing nothing) for n == 0.
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  bool one_in(uint64_t n) { return below(n) == 0; }

 private:
  uint64_t s_;
};

}  // namespace rt
