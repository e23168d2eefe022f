// Latency as users see it, over a run's connections: the samples and the
// figures every summary, verdict and heat map prints (sim/outcome/judge.h
// says where each wait starts and ends).
//
// A connection that never got there is never dropped from a figure: it is
// counted as unfinished, ranks above every finished one in the quantiles
// (a p99 of "unfinished" says more than 1% never finished), and counts
// above 1 s or 3 s once it had waited that long when it failed or the run
// ended.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/outcome.h"

namespace synsim::outcome {

// Adds `r`'s waits (those that began) to the samples; sort() once at the end.
void add_latencies(UserLatencies& u, const ConnectionRecord& r, Time run_end);
void sort_latencies(UserLatencies& u);

// Every connection's latencies: from a summary-detail outcome's summary
// (exact, for every connection) or from its records.
UserLatencies user_latencies(const Outcome& out);

// The quantiles every latency figure prints.
struct QuantileSpec {
  const char* name;        // "p50"
  std::uint32_t permille;  // 500
};
inline constexpr std::array<QuantileSpec, 5> kQuantiles = {
    {{"p50", 500}, {"p90", 900}, {"p99", 990}, {"p99.9", 999}, {"max", 1000}}};

// A latency quantile: a duration, or "unfinished" when the rank falls among
// the waits that never ended.
struct LatencyQuantile {
  std::optional<Duration> value;  // nullopt: unfinished
};

// The thresholds every summary counts above.
inline constexpr std::array<Duration, 2> kSlowThresholds = {sec(1), sec(3)};

struct LatencyFigures {
  Latency which = Latency::total;
  std::uint64_t started = 0;
  std::uint64_t finished = 0;
  std::uint64_t unfinished = 0;
  std::array<std::uint64_t, 2> over{};  // above kSlowThresholds[i], unfinished ones included
  std::array<LatencyQuantile, 5> quantiles{};  // kQuantiles; meaningless when started == 0
};

LatencyFigures latency_figures(const LatencySamples& s, Latency which);
// How many waits exceeded `bound`: finished above it, and unfinished ones
// that had already lasted longer.
std::uint64_t count_over(const LatencySamples& s, Duration bound);
// Nearest rank over every wait that began, the unfinished ranking last.
LatencyQuantile latency_quantile(const LatencySamples& s, std::uint32_t permille);
// That rank among `n` waits (1..n, n > 0).
std::uint64_t quantile_rank(std::uint64_t n, std::uint32_t permille);

}  // namespace synsim::outcome
