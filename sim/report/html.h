// A self-contained HTML report of a run, or of model vs kernel: one file,
// inline CSS and inline SVG, no script and no network access, readable at
// 1400 px. Hover details come from SVG <title> elements (the browser's own
// tooltips).
//
// Sections, in order:
//   expect-failed  only when an expect: failed (Outcome::expect of either
//                  side): "FAILED: 1 of 2 expectations" ("FAILED on the
//                  kernel: ..." with two sides), naming each failure; the
//                  page's <title> then starts "FAILED: " too.
//   verdict        AGREE / DISAGREE with the disagreements first (with a
//                  comparison), or the statistical comparison's verdict and
//                  table, else "model only"; key figures.
//   expectations   every expect: result judged (failures first): PASS or
//                  FAIL, what the scenario states, what the run gave, line;
//                  with several runs a side, one row per expectation and
//                  a column per run (PASS or FAIL and what it gave).
//   remedies       only for `explain --remedies`: each remedy, ranked, with its cost.
//   timeline       swimlanes: per connection, one lane per side
//                  (<g class="lane" data-side="model|kernel">) on one shared
//                  time axis, with phase bars (connecting, waiting for accept,
//                  request in flight / data stalled, delivered) and a mark per
//                  packet coloured by kind (SYN, SYN-ACK, ACK, data,
//                  retransmission, challenge/dup ACK, FIN, RST), dropped
//                  packets crossed out.
//   queues         SYN queue and accept queue depth over time per side
//                  (<g class="queue-plot">), with the accept-queue limit.
//   distributions  CDFs of request stalls, connect latency and accept wait,
//                  model and kernel, on log-scaled duration axes.
//   counters       nstat counters (model vs kernel from the comparison).
//   connections    the per-connection table, both sides.
//   explanations   the model's story of each stalled or failed connection.
//   scenario       the scenario text.
//
// The time axis (BrokenAxis, svg.h) is piecewise linear and broken between
// events: each quiet gap between two consecutive event times is drawn with a
// width proportional to log10(1 + gap / 1 us), so a 10 us handshake and a
// 100 s stall are both visible. Tick labels are real times since the run's
// start; gaps longer than 10 ms are labelled with their length.
//
// Every string that comes from a scenario or an outcome is HTML-escaped
// (html_escape, svg.h). The same input gives the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/compare/compare.h"
#include "sim/outcome/outcome.h"
#include "sim/report/expect_text.h"
#include "sim/report/remedies.h"
#include "sim/report/svg.h"

namespace synsim::report {

struct HtmlReport {
  const outcome::Outcome* model = nullptr;    // required
  const outcome::Outcome* kernel = nullptr;   // may be null
  const compare::Comparison* comparison = nullptr;  // may be null
  std::string scenario_text;                  // the scenario as given (YAML)
  std::string title;                          // "" -> "synsim: SCENARIO"
  // A statistical comparison (load scenarios: compare --mode statistical):
  // shown as the verdict when there is no per-connection comparison.
  struct Statistics {
    bool agree = false;
    std::string table;  // compare::render_statistics_text
  };
  std::optional<Statistics> statistics{};
  // Every judged run's expect: results (report::judged_runs), when a side ran
  // more than once (compare --runs N); empty: the model's and the kernel's
  // above. The banner names each failed run; the expectations table then has
  // one row per expectation and one column per run.
  std::vector<JudgedSide> runs{};
  // `synsim explain --remedies`: the remedies played on the scenario the
  // capture implies, ranked (remedies.h); shown after the verdict.
  std::vector<RemedyRow> remedies{};
};

// At most this many connections get swimlanes (stalled and failed ones
// first); the report says how many were left out.
inline constexpr std::size_t kHtmlMaxLaneConnections = 80;
// At most this many connections in the per-connection table.
inline constexpr std::size_t kHtmlMaxTableConnections = 400;

// Throws std::invalid_argument when report.model is null.
std::string render_html(const HtmlReport& report);

}  // namespace synsim::report
