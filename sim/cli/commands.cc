#include "sim/cli/commands.h"

#include <fmt/format.h>

#include <iostream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/parallel_runs.h"
#include "sim/cli/packetdrill_command.h"
#include "sim/cli/pkt_format.h"
#include "sim/cli/progress_bar.h"
#include "sim/cli/render.h"
#include "sim/cli/session.h"
#include "sim/expect/evaluate.h"
#include "sim/report/expect_text.h"
#include "sim/scenario/load.h"

namespace synsim::cli {

namespace {

// Whether a summary-detail run (model::RunOptions::Detail::summary: every
// connection counted, the interesting ones kept) holds everything the
// scenario's expect: judges.
bool summary_detail_tells_everything(const scenario::Scenario& sc) {
  return !expect::needs_connection_records(sc.expect);
}

// `run --seeds N`: N runs in summary detail, the spread of every figure the
// statistical verdict judges. Exit 1 when any seed's expectations failed.
int run_seeds(const RunArgs& args, const scenario::Scenario& sc) {
  if (args.out_dir || (args.format != "text" && args.format != "summary" && args.format != "json")) {
    std::cerr << "--seeds: prints the spread of the runs (--format text, summary or json), without --out\n";
    return kExitBadInput;
  }
  const std::uint64_t first = args.seed.value_or(sc.seed);
  std::vector<outcome::Outcome> runs(args.seeds);
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = first; seed < first + args.seeds; ++seed) seeds.push_back(seed);
  // A load scenario's seeds take seconds each: the bar on a terminal, a
  // record every 5 s in a log (nothing for quick work).
  ProgressBar progress(ProgressBar::style_for_stderr(), false, "seeds");
  progress.update(0, args.seeds);
  try {
    run_indices(
        args.seeds, args.jobs,
        [&](std::size_t i) {
          model::RunOptions options;
          options.seed = seeds[i];
          options.record_packets = false;
          options.record_sockets = false;
          if (summary_detail_tells_everything(sc)) options.detail = model::RunOptions::Detail::summary;
          runs[i] = model::run(sc, options);
          expect::judge(sc.expect, runs[i]);  // the JSON carries each seed's results
        },
        [&](std::size_t done) { progress.update(done, args.seeds); });
  } catch (const model::Unsupported& e) {
    std::cerr << args.file << ": " << e.what() << '\n';
    return kExitBadInput;
  }
  // An InvariantViolation escapes to the caller: an internal error.
  std::uint32_t failed = 0;
  for (const outcome::Outcome& out : runs) failed += outcome::all_held(*out.expect) ? 0 : 1;
  const bool has_expectations = !runs.front().expect->empty();
  progress.finish(seeds.size(), args.seeds);
  if (args.format == "json") {
    std::cout << render_spread(runs, seeds, true);
  } else {
    std::cout << sc.name << " on " << runs.front().info.kernel << ": " << render_spread(runs, seeds, false);
    if (has_expectations) std::cout << fmt::format("expectations failed on {} of {} seeds\n", failed, seeds.size());
  }
  return failed > 0 ? kExitExpectationFailed : kExitOk;
}

// `--at T` for --format netstat: a duration within the scenario's. False,
// with the reason on stderr, for anything else (exit 2).
bool snapshot_time(const RunArgs& args, const scenario::Scenario& sc, std::optional<Time>* at) {
  if (!args.at) return true;
  if (args.format != "netstat") {
    std::cerr << "--at " << *args.at << ": only with --format netstat (the moment of its snapshot)\n";
    return false;
  }
  std::string error;
  const std::optional<Duration> t = scenario::parse_duration(*args.at, &error);
  if (!t) {
    std::cerr << "--at: " << error << '\n';
    return false;
  }
  if (*t > sc.duration) {
    std::cerr << "--at " << *args.at << ": after the run's end (" << sc.name << " lasts "
              << format_duration(sc.duration) << ")\n";
    return false;
  }
  *at = kTimeZero + *t;
  return true;
}

}  // namespace

int run_command(const RunArgs& args) {
  if (is_packetdrill_script(args.file)) return run_packetdrill(args);
  std::vector<std::string> sets = args.sets;
  if (args.kernel) sets.push_back("kernel=" + *args.kernel);
  std::optional<scenario::Scenario> sc = load_scenario(args.file, sets);
  if (!sc) return kExitBadInput;

  if (args.format == "pkt") return run_pkt_format(args, *sc);
  if (args.connection) {
    std::cerr << "--connection: only with --format pkt (the connection its script is of)\n";
    return kExitBadInput;
  }
  if (args.seeds > 0) return run_seeds(args, *sc);
  std::optional<Time> at;
  if (!snapshot_time(args, *sc, &at)) return kExitBadInput;

  model::RunOptions options;
  options.seed = args.seed;
  // The timeline is the expensive part of a large run: keep it only when
  // something will show it. The netstat snapshot needs only the sockets
  // (RunOptions::record_sockets), of every connection (full detail).
  const bool netstat = args.format == "netstat";
  options.record_packets = (args.format != "summary" && !netstat) || args.out_dir.has_value();
  // The summary counts the connections and tells the interesting ones: a
  // run of millions need not keep a record of every one, unless an
  // expectation names connections (stall counts and quantiles are exact in
  // the summary). One summary per run, whatever else is asked for: with
  // --out, summary.txt (and --format summary beside it) comes from a second
  // run of the same seed in summary detail, the same events and trace hash
  // (the detail is bookkeeping), so its bytes are what --format summary
  // alone prints.
  const bool summary_detail = summary_detail_tells_everything(*sc);
  if (!options.record_packets && !netstat && summary_detail) options.detail = model::RunOptions::Detail::summary;
  // An InvariantViolation escapes to the caller: an internal error
  // (internal_error.h), before anything was written.
  std::optional<outcome::Outcome> out = run_on_model(*sc, options, args.file);
  if (!out) return kExitBadInput;
  // Judged once, here: every rendering and every file of --out carries
  // these results (Outcome::expect), so none can look like a passing run.
  expect::judge(sc->expect, *out);
  std::optional<outcome::Outcome> summary_run;
  if (args.out_dir && summary_detail) {
    model::RunOptions light = options;
    light.record_packets = false;
    light.detail = model::RunOptions::Detail::summary;
    summary_run = run_on_model(*sc, light, args.file);
    if (!summary_run) return kExitBadInput;
    expect::judge(sc->expect, *summary_run);
  }
  const outcome::Outcome& summary = summary_run ? *summary_run : *out;

  if (args.out_dir && !write_run_dir(*args.out_dir, *out, sc->source_text, &summary)) return kExitBadInput;
  std::cout << render_format(args.format, args.format == "summary" ? summary : *out, sc->source_text, at);
  std::cout.flush();
  return say_failed_expectations(*out) ? kExitExpectationFailed : kExitOk;
}

int check_command(const std::vector<std::string>& files, const std::vector<std::string>& sets) {
  int rc = kExitOk;
  for (const std::string& f : files) {
    if (is_packetdrill_script(f)) {
      if (check_packetdrill(f) != kExitOk) rc = kExitBadInput;
    } else if (!load_scenario(f, sets)) {
      rc = kExitBadInput;
    } else {
      std::cout << f << ": ok\n";
    }
  }
  return rc;
}

}  // namespace synsim::cli
