#include "sim/outcome/latency_tally.h"

#include <algorithm>

namespace synsim::outcome {

namespace {
constexpr std::size_t kPendingMin = 4096;
}  // namespace

void LatencyTally::Counted::add(std::int64_t ns) {
  pending_.push_back(ns);
  ++total_;
  if (pending_.size() >= std::max(kPendingMin, runs_.size())) compact();
}

void LatencyTally::Counted::compact() {
  if (pending_.empty()) return;
  std::sort(pending_.begin(), pending_.end());
  std::vector<std::pair<std::int64_t, std::uint64_t>> merged;
  merged.reserve(runs_.size() + pending_.size());
  std::size_t i = 0;
  std::size_t j = 0;
  const auto push = [&](std::int64_t v, std::uint64_t n) {
    if (!merged.empty() && merged.back().first == v) {
      merged.back().second += n;
    } else {
      merged.emplace_back(v, n);
    }
  };
  while (i < runs_.size() || j < pending_.size()) {
    if (j >= pending_.size() || (i < runs_.size() && runs_[i].first <= pending_[j])) {
      push(runs_[i].first, runs_[i].second);
      ++i;
    } else {
      push(pending_[j++], 1);
    }
  }
  merged.shrink_to_fit();
  runs_ = std::move(merged);
  pending_.clear();
}

std::uint64_t LatencyTally::Counted::count_above(std::int64_t bound) const {
  const auto from = std::upper_bound(runs_.begin(), runs_.end(), bound,
                                     [](std::int64_t b, const std::pair<std::int64_t, std::uint64_t>& r) {
                                       return b < r.first;
                                     });
  std::uint64_t n = 0;
  for (auto it = from; it != runs_.end(); ++it) n += it->second;
  return n;
}

std::int64_t LatencyTally::Counted::at_rank(std::uint64_t rank) const {
  std::uint64_t seen = 0;
  for (const auto& [value, count] : runs_) {
    seen += count;
    if (seen >= rank) return value;
  }
  return runs_.empty() ? 0 : runs_.back().first;
}

LatencyFigures LatencyTally::figures(Latency which) {
  finished_.compact();
  unfinished_.compact();
  LatencyFigures f;
  f.which = which;
  f.finished = finished_.size();
  f.unfinished = unfinished_.size();
  f.started = f.finished + f.unfinished;
  for (std::size_t i = 0; i < kSlowThresholds.size(); ++i) {
    const std::int64_t bound = to_ns(kSlowThresholds[i]);
    f.over[i] = finished_.count_above(bound) + unfinished_.count_above(bound);
  }
  for (std::size_t i = 0; i < kQuantiles.size(); ++i) {
    if (f.started == 0) continue;
    const std::uint64_t rank = quantile_rank(f.started, kQuantiles[i].permille);
    if (rank <= f.finished) f.quantiles[i] = LatencyQuantile{Duration{finished_.at_rank(rank)}};
  }
  return f;
}

}  // namespace synsim::outcome
