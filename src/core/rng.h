// The project's one random source: splitmix64 (Steele, Lea and Flood, 2014), as a hash of a 64-bit key and as a seeded
// stream. One stream per simulation, never global; every hash of flows, packets and paths is this function.
#pragma once

#include <cstdint>

namespace aifabric {

// splitmix64 of `x`: x plus the golden-ratio increment, then the finaliser (a bijection of 64-bit words).
constexpr uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The low 32 bits of splitmix64: a 32-bit hash (packet entropies, spreading).
constexpr uint32_t splitmix32(uint64_t x) { return static_cast<uint32_t>(splitmix64(x)); }

// A small, fast, seedable random stream: splitmix64 of its state, the state stepped by the increment.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    const uint64_t z = splitmix64(s_);
    s_ += 0x9e3779b97f4a7c15ULL;
    return z;
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_;
};

}  // namespace aifabric
