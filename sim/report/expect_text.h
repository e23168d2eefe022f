// Expectation results in words: the one place where an
// outcome::Expectation (a scenario's `expect:` judged against a run,
// sim/outcome/expectation.h) becomes a sentence. The summary, the Markdown,
// the HTML report, compare's text and the CLI's stderr all print these
// words, so a result reads the same everywhere.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// What the scenario states: "TcpExtListenOverflows at least 3",
// "x#1 data_delivered_at 6.900s ±300ms", "x#1 outcome completed",
// "connections stalled longer than 1s: at least 3", "stall p99 at most 1s".
std::string expectation_text(const outcome::Expectation& e);
// What the run gave: "15", "6.311013" (seconds since the start), "completed",
// "200ms", or why nothing: "never", "no such connection in the outcome",
// "no delivered requests".
std::string expectation_actual_text(const outcome::Expectation& e);
// Where the scenario states it: "FILE:LINE:COL", "" when built in code.
std::string expectation_where(const outcome::Expectation& e);
// "PASS" or "FAIL".
const char* expectation_status(const outcome::Expectation& e);

// The results to show, failures first, each group in the scenario's order.
std::vector<const outcome::Expectation*> failures_first(const std::vector<outcome::Expectation>& results);

// Where the scenario states it, for a shared report: the file's name
// without its directories and the line ("loopback-stall-2003.yaml line 43"),
// "" when built in code.
std::string expectation_place(const outcome::Expectation& e);

// The results of the runs a report shows, each run that was judged: the
// run alone (side ""), "model" and "kernel" when there are two, and with
// several runs a side (compare --runs N) each run under its run_label().
struct JudgedSide {
  std::string side;
  const std::vector<outcome::Expectation>* results;
  std::size_t runs_of_side = 1;  // how many runs its side has
};
std::vector<JudgedSide> judged_sides(const outcome::Outcome& model, const outcome::Outcome* kernel);
// Every run of both sides, the model's first (runs nobody judged left out).
std::vector<JudgedSide> judged_runs(const std::vector<outcome::Outcome>& models,
                                    const std::vector<outcome::Outcome>& kernels);
// How every output names run i of a side's runs: the side alone when it ran
// once, else "model (seed 43)" or "kernel (run 2 of 3)".
std::string run_label(std::string_view side, const std::vector<outcome::Outcome>& runs, std::size_t i);
// Whether some side has more than one run among `runs`: the Markdown and
// HTML reports then show one row per expectation and one column per run.
bool several_runs_a_side(const std::vector<JudgedSide>& runs);
// The rows of that table: the first run's expectations by index, those
// that failed in any run first, each group in file order.
std::vector<std::size_t> expectation_rows_failed_first(const std::vector<JudgedSide>& runs);

// The headline: "FAILED: 2 of 3 expectations" when any failed, else
// "3 of 3 expectations held" (for none: ""). With a side (compare's two
// runs): "FAILED on the kernel: 2 of 3 expectations".
std::string expectations_headline(const std::vector<outcome::Expectation>& results, std::string_view side = "");

// One line per result, failures first, each failure with where it is stated:
//   FAIL  x#1 data_delivered_at 6.900s ±300ms: got 6.311013 (file.yaml:43:5)
//   PASS  TcpExtListenOverflows at least 3: got 15
std::string render_expectations(const std::vector<outcome::Expectation>& results);

// The banner a text report opens with when any expectation failed, ""
// otherwise:
//   FAILED: 1 of 2 expectations
//     TcpExtTCPSynRetrans at most 0: got 4 (file.yaml:20:5)
//   (blank line)
// With a side (compare's runs), its headline names it: "FAILED on the
// kernel: 1 of 2 expectations".
std::string expectations_banner(const outcome::Outcome& out, std::string_view side = "");
// The section a text summary closes with, "" when nothing was judged or
// nothing stated: "\nexpectations: 1 of 2 held\n" then render_expectations().
std::string expectations_section(const outcome::Outcome& out);

}  // namespace synsim::report
