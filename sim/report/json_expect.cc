// The outcome JSON's expect: results (json.h), written and read, and
// comparison.json with each side's results.
#include "sim/compare/statistics_render.h"
#include "sim/report/expect_text.h"
#include "sim/report/json.h"
#include "sim/report/json_parts.h"

namespace synsim::report {

namespace detail {

namespace {

using outcome::ConnectionOutcome;

// An expect: result (json.h): the scenario's key, bound and figure in their
// unit, the measured value in the same unit (null, with "missing" saying
// why, when there is none), pass or fail, where it is stated, and the words
// for readers (not read back).
Json expectation_json(const outcome::Expectation& e) {
  using outcome::ExpectationKind;
  Json j = Json::object({{"kind", outcome::to_string(e.kind)},
                         {"subject", e.subject},
                         {"bound", outcome::to_string(e.bound)}});
  auto optional = [](const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); };
  switch (e.kind) {
    case ExpectationKind::counter:
      j["expected"] = e.expected;
      j["actual"] = optional(e.actual);
      break;
    case ExpectationKind::stalls:
      j["longer_than_ns"] = e.longer_than_ns;
      j["expected"] = e.expected;
      j["actual"] = optional(e.actual);
      break;
    case ExpectationKind::data_delivered_at:
    case ExpectationKind::accepted_at:
      j["expected_ns"] = e.expected;
      j["tolerance_ns"] = e.tolerance_ns;
      j["actual_ns"] = optional(e.actual);
      break;
    case ExpectationKind::stall_quantile:
      j["expected_ns"] = e.expected;
      j["actual_ns"] = optional(e.actual);
      break;
    case ExpectationKind::connection_outcome:
      j["expected"] = outcome::to_string(e.expected_outcome);
      j["actual"] = e.actual_outcome ? Json(outcome::to_string(*e.actual_outcome)) : Json(nullptr);
      break;
  }
  if (e.missing != outcome::ExpectationMissing::nothing) j["missing"] = outcome::to_string(e.missing);
  j["passed"] = e.passed;
  j["file"] = e.file;
  j["line"] = e.line;
  j["column"] = e.column;
  j["text"] = expectation_text(e);
  j["actual_text"] = expectation_actual_text(e);
  return j;
}

// What expectation_json() wrote; "text" and "actual_text" are derived and ignored.
outcome::Expectation expectation_from(const Reader& r) {
  using outcome::ExpectationKind;
  outcome::Expectation e;
  if (!r.has("kind")) r.fail("kind", "missing");
  e.kind = r.named("kind", "expectation kind", e.kind);
  e.subject = r.str("subject");
  if (!r.has("bound")) r.fail("bound", "missing");
  e.bound = r.named("bound", "bound", e.bound);
  switch (e.kind) {
    case ExpectationKind::counter:
      e.expected = r.integer<std::int64_t>("expected");
      e.actual = r.optional_integer<std::int64_t>("actual");
      break;
    case ExpectationKind::stalls:
      e.longer_than_ns = r.integer<std::int64_t>("longer_than_ns");
      e.expected = r.integer<std::int64_t>("expected");
      e.actual = r.optional_integer<std::int64_t>("actual");
      break;
    case ExpectationKind::data_delivered_at:
    case ExpectationKind::accepted_at:
      e.expected = r.integer<std::int64_t>("expected_ns");
      e.tolerance_ns = r.integer<std::int64_t>("tolerance_ns");
      e.actual = r.optional_integer<std::int64_t>("actual_ns");
      break;
    case ExpectationKind::stall_quantile:
      e.expected = r.integer<std::int64_t>("expected_ns");
      e.actual = r.optional_integer<std::int64_t>("actual_ns");
      break;
    case ExpectationKind::connection_outcome:
      if (!r.has("expected")) r.fail("expected", "missing");
      e.expected_outcome = r.named("expected", "outcome", e.expected_outcome);
      if (r.at("actual").is_null()) break;
      e.actual_outcome = r.named("actual", "outcome", ConnectionOutcome{});
      break;
  }
  e.missing = r.named("missing", "missing value", e.missing);
  e.passed = r.boolean("passed");
  e.file = r.str("file");
  e.line = r.integer<int>("line");
  e.column = r.integer<int>("column");
  return e;
}

}  // namespace

// Optional (json.h): absent in outcomes nobody judged and in those written
// before the results were saved; they read as not judged.
std::optional<std::vector<outcome::Expectation>> expectations_from(const Reader& root) {
  if (!root.has("expect")) return std::nullopt;
  const Json& results = root.array("expect");
  std::vector<outcome::Expectation> out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    out.push_back(expectation_from(Reader(results.elements()[i], fmt::format("expect[{}]", i))));
  }
  return out;
}

Json expectations_json(const std::vector<outcome::Expectation>& results) {
  Json a = Json::array();
  for (const outcome::Expectation& e : results) a.push_back(expectation_json(e));
  return a;
}

}  // namespace detail

std::string render_comparison_json(const compare::StatisticalComparison& statistics,
                                   const compare::Comparison* per_connection,
                                   const std::vector<outcome::Outcome>& models,
                                   const std::vector<outcome::Outcome>& kernels) {
  using detail::Json;
  Json j = compare::statistics_json(statistics, per_connection);
  auto results = [](const outcome::Outcome& o) { return o.expect ? detail::expectations_json(*o.expect) : Json(nullptr); };
  auto first = [&](const std::vector<outcome::Outcome>& runs) { return runs.empty() ? Json(nullptr) : results(runs.front()); };
  j["expect"] = Json::object({{"model", first(models)}, {"kernel", first(kernels)}});
  Json model_runs = Json::array();
  for (const outcome::Outcome& o : models) {
    model_runs.push_back(Json::object({{"seed", o.info.seed}, {"results", results(o)}}));
  }
  Json kernel_runs = Json::array();
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    kernel_runs.push_back(Json::object({{"run", i + 1}, {"results", results(kernels[i])}}));
  }
  j["expect_runs"] = Json::object({{"model", model_runs}, {"kernel", kernel_runs}});
  return json::dump(j, 2) + "\n";
}

std::string render_spread_json(const std::vector<compare::Spread>& spread, const std::vector<std::uint64_t>& seeds,
                               const std::vector<outcome::Outcome>& runs) {
  using detail::Json;
  Json j = compare::spread_json(spread, seeds);
  Json per_seed = Json::array();
  for (std::size_t i = 0; i < runs.size() && i < seeds.size(); ++i) {
    const outcome::Outcome& o = runs[i];
    per_seed.push_back(Json::object(
        {{"seed", seeds[i]}, {"results", o.expect ? detail::expectations_json(*o.expect) : Json(nullptr)}}));
  }
  j["expect"] = per_seed;
  return json::dump(j, 2) + "\n";
}

}  // namespace synsim::report
