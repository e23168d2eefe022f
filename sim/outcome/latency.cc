#include "sim/outcome/latency.h"

#include <algorithm>

#include "sim/core/sort_samples.h"

namespace synsim::outcome {

namespace {
void add_wait(LatencySamples& s, const ConnectionRecord& r, Latency which, Time run_end) {
  const auto start = latency_start(r, which);
  if (!start) return;
  if (const auto end = latency_end(r, which)) {
    s.finished.push_back(to_ns(*end - *start));
  } else {
    s.unfinished.push_back(to_ns(unfinished_wait(r, which, run_end)));
  }
}

}  // namespace

void add_latencies(UserLatencies& u, const ConnectionRecord& r, Time run_end) {
  for (const Latency which : kLatencies) add_wait(u[which], r, which, run_end);
}

void sort_latencies(UserLatencies& u) {
  for (LatencySamples& s : u.of) {
    sort_samples(s.finished);
    sort_samples(s.unfinished);
  }
}

UserLatencies user_latencies(const Outcome& out) {
  if (out.summary) return out.summary->latencies;
  UserLatencies u;
  const Time run_end = kTimeZero + (out.info.partial ? out.info.stopped_at : out.info.duration);
  for (const ConnectionRecord& r : out.connections) add_latencies(u, r, run_end);
  sort_latencies(u);
  return u;
}

std::uint64_t count_over(const LatencySamples& s, Duration bound) {
  return count_above(s.finished, to_ns(bound)) + count_above(s.unfinished, to_ns(bound));
}

std::uint64_t quantile_rank(std::uint64_t n, std::uint32_t permille) {
  return std::clamp<std::uint64_t>((std::uint64_t{permille} * n + 999) / 1000, 1, n);
}

LatencyQuantile latency_quantile(const LatencySamples& s, std::uint32_t permille) {
  const std::uint64_t n = s.started();
  if (n == 0) return {};
  const std::uint64_t rank = quantile_rank(n, permille);
  if (rank > s.finished.size()) return {};
  return {Duration{s.finished[rank - 1]}};
}

LatencyFigures latency_figures(const LatencySamples& s, Latency which) {
  LatencyFigures f;
  f.which = which;
  f.started = s.started();
  f.finished = s.finished.size();
  f.unfinished = s.unfinished.size();
  for (std::size_t i = 0; i < kSlowThresholds.size(); ++i) f.over[i] = count_over(s, kSlowThresholds[i]);
  for (std::size_t i = 0; i < kQuantiles.size(); ++i) f.quantiles[i] = latency_quantile(s, kQuantiles[i].permille);
  return f;
}

}  // namespace synsim::outcome
