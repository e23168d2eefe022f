// Hypotheses: a scenario's `expect:` section checked against an outcome.
//
// Works on any outcome, the model's or the kernel's, so the same stated
// hypothesis can be put to both. Each expectation reports what was
// expected, what happened, and where in the scenario it was written.
#pragma once

#include <string>
#include <vector>

#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::expect {

struct Result {
  std::string expectation;  // "TcpExtListenOverflows at least 3"
  std::string actual;       // "5"
  bool passed = false;
  scenario::SourceLocation where;
};

std::vector<Result> evaluate(const scenario::ExpectSpec& spec, const outcome::Outcome& out);

bool all_passed(const std::vector<Result>& results);

// One line per expectation, failures first:
//   FAIL  x#3 data_delivered_at 5.1s ±300ms: got 6.912020 (file.yaml:40:7)
//   ok    TcpExtListenOverflows at least 3: got 22
std::string render(const std::vector<Result>& results);

}  // namespace synsim::expect
