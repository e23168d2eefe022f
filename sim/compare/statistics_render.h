// A statistical comparison as text (top of comparison.txt), Markdown (top of
// summary.md) and JSON (comparison.json, `--format json`, read by
// scripts/load-agreement).
//
// JSON layout (keys in this order, 2-space indent):
//   {"format": "synsim-comparison", "version": 1, "scenario", "mode": "statistical"|"connections",
//    "verdict": "AGREE"|"DISAGREE", "misses": [lines],   (connections mode: its disagreements)
//    "rule": count_rule(), "stall_threshold_ns", "noise_floor_ns", "group_gap_ns",
//    "model_wall_ns"|null, "kernel_wall_ns"|null,
//    "judged": [{what, model, kernel, agree}],
//    "model": SIDE, "kernel": SIDE,
//    "expect": {"model": [...]|null, "kernel": [...]|null},     (report::render_comparison_json only,
//    "expect_runs": {"model": [{seed, results}], "kernel": [{run, results}]}}   with each run's)
//   SIDE: {kernel, hz, seed, connections, completed, reset, timed_out, refused, open_at_end, delivered,
//          stalled_over_threshold, stalled_over_noise_floor, stall_ns {p50, p90, p99, p99.9, max}
//          (values null without delivered requests), syn_retransmits, synack_retransmits,
//          data_retransmits, syncookies|null, counters {name: value}, accept_queue_limit,
//          common_group_size, common_group_count, straggler_groups [{delivered_ns, size}]}
#pragma once

#include <string>

#include "sim/compare/compare.h"
#include "sim/compare/statistics.h"
#include "sim/json/json.h"

namespace synsim::compare {

// At most this many straggler groups listed per side in text and Markdown
// (JSON lists them all).
inline constexpr std::size_t kShownStragglerGroups = 40;

std::string render_statistics_text(const StatisticalComparison& s);
// `synsim run --seeds`: each judged figure's min, median and max over the
// runs, then its value in each run (text), or the same as JSON.
std::string render_spread_text(const std::vector<Spread>& spread, const std::vector<std::uint64_t>& seeds);
std::string render_spread_json(const std::vector<Spread>& spread, const std::vector<std::uint64_t>& seeds);
// The same document as a value (report::render_spread_json adds each seed's
// expect: results).
json::Value spread_json(const std::vector<Spread>& spread, const std::vector<std::uint64_t>& seeds);
std::string render_statistics_markdown(const StatisticalComparison& s);

// `per_connection` not null: the run was judged per connection (mode
// "connections"), its verdict and disagreements go in "verdict"/"misses"
// and the statistics are shown for information.
std::string render_statistics_json(const StatisticalComparison& s, const Comparison* per_connection = nullptr);
// The same document as a value, for a caller that adds to it
// (report::render_comparison_json adds each side's expect: results).
json::Value statistics_json(const StatisticalComparison& s, const Comparison* per_connection = nullptr);

}  // namespace synsim::compare
