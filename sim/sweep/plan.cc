#include "sim/sweep/plan.h"

#include <fmt/format.h>

#include <charconv>

namespace synsim::sweep {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Shard> parse_shard(std::string_view text, std::string* error) {
  const std::size_t slash = text.find('/');
  const std::optional<std::uint64_t> i =
      slash == std::string_view::npos ? std::nullopt : parse_u64(text.substr(0, slash));
  const std::optional<std::uint64_t> n =
      slash == std::string_view::npos ? std::nullopt : parse_u64(text.substr(slash + 1));
  if (!i || !n) {
    if (error) *error = fmt::format("--shard: '{}' is not I/N (e.g. 3/8: the third of 8 shards)", text);
    return std::nullopt;
  }
  if (*n < 1 || *n > kMaxShards) {
    if (error) *error = fmt::format("--shard: '{}': N must be in [1, {}]", text, kMaxShards);
    return std::nullopt;
  }
  if (*i < 1 || *i > *n) {
    if (error) *error = fmt::format("--shard: '{}': I must be in [1, {}] (shards are numbered from 1)", text, *n);
    return std::nullopt;
  }
  return Shard{*i, *n};
}

std::optional<SweepPlan> SweepPlan::make(std::vector<GridAxis> axes, std::uint64_t seeds, Shard shard,
                                         std::string* error) {
  if (seeds < 1 || seeds > kMaxSeeds) {
    if (error) *error = fmt::format("--seeds must be in [1, {}], got {}", kMaxSeeds, seeds);
    return std::nullopt;
  }
  std::uint64_t points = 1;
  for (const GridAxis& a : axes) {
    // Each factor is at most kMaxValuesPerAxis, so checking after each
    // multiplication keeps the product far from overflowing.
    points *= a.values.size();
    if (points > kMaxRuns) break;
  }
  if (points > kMaxRuns || points * seeds > kMaxRuns) {
    if (error) *error = fmt::format("the sweep has more than {} runs (grid points x seeds)", kMaxRuns);
    return std::nullopt;
  }
  return SweepPlan(std::move(axes), seeds, shard, points);
}

RunPoint SweepPlan::run_at(std::uint64_t index) const {
  RunPoint r;
  r.index = index;
  r.point = index / seeds_;
  r.seed_number = index % seeds_ + 1;
  r.value_index.resize(axes_.size());
  std::uint64_t rest = r.point;
  for (std::size_t a = axes_.size(); a-- > 0;) {
    const std::uint64_t n = axes_[a].values.size();
    r.value_index[a] = static_cast<std::size_t>(rest % n);
    rest /= n;
  }
  return r;
}

std::vector<std::uint64_t> SweepPlan::shard_runs() const {
  std::vector<std::uint64_t> runs;
  const std::uint64_t total = run_count();
  if (shard_.index - 1 < total) runs.reserve((total - (shard_.index - 1) + shard_.count - 1) / shard_.count);
  for (std::uint64_t i = shard_.index - 1; i < total; i += shard_.count) runs.push_back(i);
  return runs;
}

std::vector<std::string> SweepPlan::overrides(const RunPoint& run) const {
  std::vector<std::string> out;
  out.reserve(axes_.size());
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    out.push_back(axes_[a].key + "=" + axes_[a].values[run.value_index[a]].text);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SweepPlan::params(const RunPoint& run) const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(axes_.size());
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    out.emplace_back(axes_[a].key, axes_[a].values[run.value_index[a]].text);
  }
  return out;
}

}  // namespace synsim::sweep
