#include "sim/outcome/expectation.h"

#include <algorithm>

#include "sim/outcome/enum_names.h"

namespace synsim::outcome {

std::size_t failed_count(const std::vector<Expectation>& results) {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const Expectation& e) { return !e.passed; }));
}

bool all_held(const std::vector<Expectation>& results) { return failed_count(results) == 0; }

const char* to_string(ExpectationKind k) {
  switch (k) {
    case ExpectationKind::counter: return "counter";
    case ExpectationKind::data_delivered_at: return "data_delivered_at";
    case ExpectationKind::accepted_at: return "accepted_at";
    case ExpectationKind::connection_outcome: return "connection_outcome";
    case ExpectationKind::stalls: return "stalls";
    case ExpectationKind::stall_quantile: return "stall_quantile";
  }
  return "?";
}

const char* to_string(ExpectationBound b) {
  switch (b) {
    case ExpectationBound::exact: return "exact";
    case ExpectationBound::at_least: return "at_least";
    case ExpectationBound::at_most: return "at_most";
    case ExpectationBound::within: return "within";
  }
  return "?";
}

const char* to_string(ExpectationMissing m) {
  switch (m) {
    case ExpectationMissing::nothing: return "nothing";
    case ExpectationMissing::never: return "never";
    case ExpectationMissing::no_such_connection: return "no_such_connection";
    case ExpectationMissing::no_delivered_requests: return "no_delivered_requests";
  }
  return "?";
}

template <>
std::optional<ExpectationKind> from_string<ExpectationKind>(std::string_view name) {
  return named(name, ExpectationKind::stall_quantile);
}
template <>
std::optional<ExpectationBound> from_string<ExpectationBound>(std::string_view name) {
  return named(name, ExpectationBound::within);
}
template <>
std::optional<ExpectationMissing> from_string<ExpectationMissing>(std::string_view name) {
  return named(name, ExpectationMissing::no_delivered_requests);
}

}  // namespace synsim::outcome
