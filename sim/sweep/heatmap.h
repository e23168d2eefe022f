// The sweep report: a self-contained HTML page (inline CSS and SVG, no
// script, nothing fetched) showing one metric over the grid, averaged over
// seeds.
//
//   two or more grid keys: a heat map, x = first key, y = second key, one
//     panel per combination of the other keys' values;
//   one key: a bar chart over its values;
//   no key (a seeds-only sweep): one bar.
//
// Colours are on one linear scale from 0 (or the lowest value, if negative)
// to the highest value over all panels, with a legend; every cell prints its
// value and has a tooltip with the parameters and the number of runs. Cells
// with no runs (a missing shard) are hatched and counted in the page header.
// Records may come in any order and from several files (concatenated shard
// outputs): they are put in run-index order, so axis values appear in the
// order the grid gave them. Every string from the records is HTML-escaped.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/metric.h"
#include "sim/sweep/record.h"

namespace synsim::sweep {

struct HeatmapResult {
  std::string html;                   // empty when errors is not empty
  std::vector<std::string> errors;    // records that cannot be drawn together (different sweeps or keys)
  std::vector<std::string> warnings;  // duplicate runs (counted once)
};

HeatmapResult render_heatmap_html(std::vector<SweepRecord> records, const Metric& metric);

}  // namespace synsim::sweep
