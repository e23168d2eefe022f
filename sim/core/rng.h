// The model's only source of randomness: a seeded PRNG we own.
//
// xoshiro256** seeded through SplitMix64 (Blackman & Vigna). No
// std::*_distribution anywhere: their output differs between standard
// libraries, and a run must be byte-identical everywhere (style.md rule 3).
// Each component draws from its own named stream, so adding a draw in one
// component does not shift the numbers every other component sees.
#pragma once

#include <cstdint>
#include <string_view>

namespace synsim {

class Rng {
 public:
  // The stream `name` of the run seeded with `seed`.
  Rng(std::uint64_t seed, std::string_view name);

  std::uint64_t next_u64();
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(next_u64() >> 32); }
  // Uniform in [0, bound); bound > 0. Lemire's multiply-shift with rejection,
  // so there is no modulo bias.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi]; lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);

 private:
  std::uint64_t s_[4];
};

// FNV-1a, 64 bit: stable across platforms; used for stream names and hashes.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ull);

}  // namespace synsim
