// Hypotheses: a scenario's `expect:` section judged against an outcome.
//
// Works on any outcome, the model's or the kernel's, so the same stated
// hypothesis can be put to both. Each result (outcome::Expectation,
// sim/outcome/expectation.h) holds what the scenario states, what happened
// and where in the scenario it is written; a command stores the results in
// the outcome it judged (Outcome::expect) and every report renders them
// from there (sim/report/expect_text.h gives the words).
#pragma once

#include <vector>

#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::expect {

using Result = outcome::Expectation;

// One result per stated expectation, in the scenario's order: counters,
// then each connection's data_delivered_at, accepted_at and outcome, then
// stalls, then stall quantiles.
std::vector<Result> evaluate(const scenario::ExpectSpec& spec, const outcome::Outcome& out);

// Judges `out` by `spec` and keeps the results in it (out.expect): what a
// command does before it renders or saves an outcome.
void judge(const scenario::ExpectSpec& spec, outcome::Outcome& out);

// Whether judging `spec` needs every connection's record: an expectation
// names a connection (x#1's data_delivered_at, accepted_at, outcome), which
// a summary-detail run (model::RunOptions::Detail::summary) may only count.
// Counters, stall counts and stall quantiles are exact in the summary, so
// `run --seeds`, `run --format summary` and sweeps run in summary detail
// unless this says otherwise.
bool needs_connection_records(const scenario::ExpectSpec& spec);

}  // namespace synsim::expect
