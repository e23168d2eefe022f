#include "sim/cli/commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/render.h"
#include "sim/compare/statistics.h"
#include "sim/compare/statistics_render.h"
#include "sim/expect/evaluate.h"
#include "sim/model/run.h"
#include "sim/report/json.h"
#include "sim/report/out_dir.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"
#include "sim/scenario/load.h"

namespace synsim::cli {

namespace {

std::optional<scenario::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& sets) {
  scenario::LoadResult r = scenario::load_file(file, sets);
  if (!r.ok()) {
    for (const scenario::Diagnostic& d : r.errors) std::cerr << d.str() << '\n';
    return std::nullopt;
  }
  return std::move(r.scenario);
}

// `run --seeds N`: N runs in summary detail, the spread of every figure the
// statistical verdict judges. Exit 1 when any seed's expectations failed.
int run_seeds(const RunArgs& args, const scenario::Scenario& sc) {
  if (args.out_dir || (args.format != "text" && args.format != "summary" && args.format != "json")) {
    std::cerr << "--seeds: prints the spread of the runs (--format text, summary or json), without --out\n";
    return kExitBadInput;
  }
  const std::uint64_t first = args.seed.value_or(sc.seed);
  std::vector<outcome::Outcome> runs;
  std::vector<std::uint64_t> seeds;
  std::uint32_t failed = 0;
  bool has_expectations = false;
  for (std::uint64_t seed = first; seed < first + args.seeds; ++seed) {
    model::RunOptions options;
    options.seed = seed;
    options.record_packets = false;
    if (sc.expect.connections.empty()) options.detail = model::RunOptions::Detail::summary;
    try {
      runs.push_back(model::run(sc, options));
    } catch (const model::Unsupported& e) {
      std::cerr << args.file << ": " << e.what() << '\n';
      return kExitBadInput;
    }
    seeds.push_back(seed);
    const std::vector<expect::Result> results = expect::evaluate(sc.expect, runs.back());
    has_expectations = !results.empty();
    if (!expect::all_passed(results)) ++failed;
  }
  const std::vector<compare::Spread> spread = compare::spread(runs);
  if (args.format == "json") {
    std::cout << compare::render_spread_json(spread, seeds);
  } else {
    std::cout << sc.name << " on " << runs.front().info.kernel << ": " << compare::render_spread_text(spread, seeds);
    if (has_expectations) std::cout << fmt::format("expectations failed on {} of {} seeds\n", failed, seeds.size());
  }
  return failed > 0 ? kExitExpectationFailed : kExitOk;
}

}  // namespace

int run_command(const RunArgs& args) {
  std::vector<std::string> sets = args.sets;
  if (args.kernel) sets.push_back("kernel=" + *args.kernel);
  std::optional<scenario::Scenario> sc = load_or_report(args.file, sets);
  if (!sc) return kExitBadInput;

  if (args.seeds > 0) return run_seeds(args, *sc);

  model::RunOptions options;
  options.seed = args.seed;
  // The timeline is the expensive part of a large run: keep it only when
  // something will show it.
  options.record_packets = args.format != "summary" || args.out_dir.has_value();
  // The summary counts the connections and tells the interesting ones: a
  // run of millions need not keep a record of every one, unless an
  // expectation names connections (stall counts and quantiles are exact in
  // the summary).
  if (!options.record_packets && sc->expect.connections.empty()) {
    options.detail = model::RunOptions::Detail::summary;
  }
  outcome::Outcome out;
  try {
    out = model::run(*sc, options);
  } catch (const model::Unsupported& e) {
    std::cerr << args.file << ": " << e.what() << '\n';
    return kExitBadInput;
  }
  // An InvariantViolation escapes to the caller: an internal error
  // (internal_error.h), before anything was written.

  if (args.out_dir) {
    try {
      report::write_out_dir(*args.out_dir, out, sc->source_text);
    } catch (const std::runtime_error& e) {  // the file system's refusal
      std::cerr << "synsim: " << e.what() << '\n';
      return kExitBadInput;
    }
  }
  std::cout << render_format(args.format, out, sc->source_text);
  const std::vector<expect::Result> results = expect::evaluate(sc->expect, out);
  if (!results.empty() && !is_machine_format(args.format)) {
    std::cout << "\nexpectations\n" << expect::render(results);
  }
  std::cout.flush();
  if (!expect::all_passed(results)) {
    for (const expect::Result& r : results) {
      if (!r.passed) std::cerr << "expectation failed: " << r.expectation << ": got " << r.actual << '\n';
    }
    return kExitExpectationFailed;
  }
  return kExitOk;
}

int check_command(const std::vector<std::string>& files) {
  int rc = kExitOk;
  for (const std::string& f : files) {
    if (!load_or_report(f, {})) {
      rc = kExitBadInput;
    } else {
      std::cout << f << ": ok\n";
    }
  }
  return rc;
}

}  // namespace synsim::cli
