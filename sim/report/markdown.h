// A Markdown summary of a run (or of model vs kernel) for pasting into an
// issue tracker: the verdict, the connections, the counters, the
// disagreements and the story of the worst stall.
#pragma once

#include <string>
#include <vector>

#include "sim/compare/compare.h"
#include "sim/outcome/outcome.h"
#include "sim/report/expect_text.h"

namespace synsim::report {

// `kernel` and `comparison` may be null. Layout (GitHub-flavoured Markdown):
//   ## synsim: SCENARIO
//   > **FAILED: 1 of 2 expectations**   (only when an expect: failed: one
//   > - each failure: got ...           quote per side that failed, "FAILED
//                                       on the kernel: ..." with two sides)
//   **Verdict: AGREE** / **Verdict: DISAGREE** (N disagreements) / **Model only**
//   run line(s) per side
//   ### Disagreements        (only with a comparison that disagrees; the
//                            first kMarkdownDisagreements, most important first)
//   ### Expectations         (only for outcomes judged, Outcome::expect) every
//                            result: PASS or FAIL, what the scenario states,
//                            what the run gave, its line; failures first.
//   ### Connections          a table: one row per connection; with a kernel
//                            run, model and kernel columns side by side.
//                            At most kMarkdownConnectionRows rows: stalled and
//                            failed connections first, the rest counted.
//   ### Counters             nstat name, model[, kernel, agree]
//   ### Worst stall: NAME    the model's explanation in a fenced block
// Table cells are escaped (| \ * _ ` < > [ ]), so no scenario or outcome
// text can break the table or inject markup.
inline constexpr std::size_t kMarkdownConnectionRows = 40;
inline constexpr std::size_t kMarkdownDisagreements = 20;
// `statistics`: a statistical comparison's Markdown
// (compare::render_statistics_markdown), put first, after the banner of a
// failed expect: (which then opens the document instead of following the
// title).
// `runs`: every judged run's expect: results (report::judged_runs), when a
// side ran more than once (compare --runs N): the banner names each failed
// run, and ### Expectations has one row per expectation and one column per
// run. Null or empty: the model's and the kernel's results.
std::string render_markdown(const outcome::Outcome& model, const outcome::Outcome* kernel,
                            const compare::Comparison* comparison, std::string_view statistics = "",
                            const std::vector<JudgedSide>* runs = nullptr);

// Text made safe for a Markdown table cell.
std::string markdown_escape(std::string_view text);

}  // namespace synsim::report
