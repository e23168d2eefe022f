// A sweep's runs: which grid point and which seed each global run index is,
// and which indices a shard runs.
//
// Order: grid points in row-major order over the axes as given (the first
// --grid key changes slowest, like nested loops), and for each point the
// seeds 1..N; run index = point * N + (seed number - 1). The seed of seed
// number k is the scenario's own seed (after overrides) + k - 1, so
// `--seeds 1` runs exactly what `synsim run FILE --set ...` runs, and every
// output line names the seed that reproduces it.
//
// Sharding is round-robin: shard I/N runs the indices i with i mod N = I - 1.
// The shards of one N partition the sweep (each index in exactly one shard),
// and round-robin spreads the slow corners of a grid over all shards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sweep/grid.h"

namespace synsim::sweep {

constexpr std::uint64_t kMaxSeeds = 1'000'000;
constexpr std::uint64_t kMaxRuns = 100'000'000;
constexpr std::uint64_t kMaxShards = 1'000'000;

struct Shard {
  std::uint64_t index = 1;  // 1-based
  std::uint64_t count = 1;
};

// "I/N" with 1 <= I <= N <= kMaxShards. nullopt with *error set to a message
// ("--shard: ...") on bad input.
std::optional<Shard> parse_shard(std::string_view text, std::string* error);

// One run of the sweep.
struct RunPoint {
  std::uint64_t index = 0;               // global run index
  std::uint64_t point = 0;               // grid point (row-major over the axes)
  std::uint64_t seed_number = 1;         // 1..seeds
  std::vector<std::size_t> value_index;  // per axis, which value
};

class SweepPlan {
 public:
  // Checks the limits (seeds in 1..kMaxSeeds, at most kMaxRuns runs); on
  // failure *error is set and the plan is empty.
  static std::optional<SweepPlan> make(std::vector<GridAxis> axes, std::uint64_t seeds, Shard shard,
                                       std::string* error);

  const std::vector<GridAxis>& axes() const { return axes_; }
  std::uint64_t seeds() const { return seeds_; }
  const Shard& shard() const { return shard_; }

  std::uint64_t point_count() const { return points_; }  // 1 with no axes
  std::uint64_t run_count() const { return points_ * seeds_; }

  RunPoint run_at(std::uint64_t index) const;
  RunPoint first_run_of_point(std::uint64_t point) const { return run_at(point * seeds_); }

  // This shard's global run indices, ascending.
  std::vector<std::uint64_t> shard_runs() const;

  // One `KEY=VALUE` override per axis, in axis order.
  std::vector<std::string> overrides(const RunPoint& run) const;
  // (KEY, VALUE) per axis, in axis order.
  std::vector<std::pair<std::string, std::string>> params(const RunPoint& run) const;

 private:
  SweepPlan(std::vector<GridAxis> axes, std::uint64_t seeds, Shard shard, std::uint64_t points)
      : axes_(std::move(axes)), seeds_(seeds), shard_(shard), points_(points) {}

  std::vector<GridAxis> axes_;
  std::uint64_t seeds_;
  Shard shard_;
  std::uint64_t points_;
};

}  // namespace synsim::sweep
