// A sweep side by side as a Markdown table: one row per run in run-index
// order (grid point, then seed), the grid's keys first, then what a reader
// compares across rows: connections, completed, stalled (> 190 ms), the
// longest stall, connect() p99, the listen path's counters and whether the
// scenario's expect: held, and --metric's column when it is none of these.
// A sweep over `kernel` (--grid kernel=linux-6.18,linux-6.1,...) shows one
// scenario on each profile side by side, for a README or an issue; the heat
// map (heatmap.h) is the same runs as a page.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/metric.h"
#include "sim/sweep/record.h"

namespace synsim::sweep {

// Records in any order (concatenated shards); a run index seen twice is
// shown once.
std::string render_sweep_markdown(std::vector<SweepRecord> records, const Metric& metric);

}  // namespace synsim::sweep
