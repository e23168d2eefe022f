// When an open-loop client group calls connect(): the gaps between its
// connections, the same numbers for the model and the kernel runner.
//
// `{rate: N/s}` spaces connections evenly, 1/N apart (rounded to the
// nanosecond). `{rate: N/s, process: poisson}` draws exponential gaps of mean
// 1/N from the run's seed, in a stream named after the group, so the kernel
// runner replays exactly the arrivals the model simulated.
#pragma once

#include <cstdint>

#include "sim/core/rng.h"
#include "sim/core/time.h"
#include "sim/scenario/scenario.h"

namespace synsim::scenario {

class ArrivalGaps {
 public:
  // `group` must be a rate arrival; `group_index` is its position in
  // Scenario::clients (part of the stream name, with the group's name).
  ArrivalGaps(const ClientGroup& group, std::uint64_t seed, std::uint32_t group_index);

  // The gap before the next connect() (the first connect() is at the
  // group's start; call next() after each one).
  Duration next();

 private:
  std::uint64_t rate_per_s_;
  bool poisson_;
  Rng rng_;
};

// -ln(x / 2^53) for x in [1, 2^53], as a fixed-point number with 32
// fraction bits. Integer arithmetic only (no libm, no floating point), so a
// seed gives the same gaps on every platform.
std::uint64_t minus_log_q32(std::uint64_t x);

}  // namespace synsim::scenario
