#include "sim/cli/sweep_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

#include "sim/cli/exit_codes.h"
#include "sim/cli/progress_bar.h"
#include "sim/cli/session.h"
#include "sim/sweep/execute.h"
#include "sim/sweep/grid.h"
#include "sim/sweep/heatmap.h"
#include "sim/sweep/markdown.h"
#include "sim/sweep/merge.h"
#include "sim/sweep/metric.h"
#include "sim/sweep/plan.h"
#include "sim/sweep/record.h"

namespace synsim::cli {

namespace {

constexpr unsigned kMaxJobs = 1024;

int write_heatmap(std::vector<sweep::SweepRecord> records, const sweep::Metric& metric, const std::string& path) {
  sweep::HeatmapResult page = sweep::render_heatmap_html(std::move(records), metric);
  for (const std::string& w : page.warnings) std::cerr << "synsim: warning: " << w << '\n';
  if (!page.errors.empty()) {
    for (const std::string& e : page.errors) std::cerr << "synsim: " << e << '\n';
    return kExitBadInput;
  }
  return write_file(path, page.html) ? kExitOk : kExitBadInput;
}

// --markdown FILE ("-": stdout, after the JSON lines, which then want --out).
int write_markdown(std::vector<sweep::SweepRecord> records, const sweep::Metric& metric, const std::string& path) {
  const std::string md = sweep::render_sweep_markdown(std::move(records), metric);
  if (path == "-") {
    std::cout << md;
    return std::cout ? kExitOk : kExitBadInput;
  }
  return write_file(path, md) ? kExitOk : kExitBadInput;
}

// --grid, --shard, --metric (with --html or --markdown) and --jobs: every problem is
// reported before anything runs. False after saying what is wrong.
bool check_options(const SweepArgs& args, sweep::GridsParse& grid, sweep::Shard& shard,
                   std::optional<sweep::Metric>& metric) {
  bool bad = false;
  grid = sweep::parse_grid(args.grids);
  for (const sweep::GridError& e : grid.errors) std::cerr << e.str() << '\n';
  bad = bad || !grid.errors.empty();
  if (args.shard) {
    std::string error;
    if (std::optional<sweep::Shard> s = sweep::parse_shard(*args.shard, &error)) {
      shard = *s;
    } else {
      std::cerr << error << '\n';
      bad = true;
    }
  }
  if (args.html || args.markdown) {
    std::string error;
    metric = sweep::find_metric(args.metric, &error);
    if (!metric) {
      std::cerr << error << '\n';
      bad = true;
    }
  }
  if (args.jobs > kMaxJobs) {
    std::cerr << fmt::format("--jobs must be in [0, {}] (0: one per hardware thread), got {}\n", kMaxJobs, args.jobs);
    bad = true;
  }
  return !bad;
}

// The runs of this shard, with the scenario loaded once; nullopt after
// saying what is wrong.
std::optional<sweep::PreparedSweep> prepare(const SweepArgs& args, std::optional<sweep::Metric>& metric) {
  sweep::GridsParse grid;
  sweep::Shard shard;
  if (!check_options(args, grid, shard, metric)) return std::nullopt;
  std::string error;
  std::optional<sweep::SweepPlan> plan = sweep::SweepPlan::make(std::move(grid.axes), args.seeds, shard, &error);
  if (!plan) {
    std::cerr << error << '\n';
    return std::nullopt;
  }
  sweep::Preparation prepared = sweep::prepare_sweep(args.file, args.sets, std::move(*plan));
  if (!prepared.sweep) {
    for (const std::string& e : prepared.errors) std::cerr << e << '\n';
    return std::nullopt;
  }
  return std::move(prepared.sweep);
}

// Runs the sweep, one JSON line to `out` per run as it finishes (kept for
// --html too). An exit code when a run failed.
std::optional<int> run_sweep(const SweepArgs& args, const sweep::PreparedSweep& sw, std::ostream& out,
                             const std::string& tmp, std::vector<sweep::SweepRecord>& kept) {
  ProgressBar progress(ProgressBar::style_for_stderr(), !args.out && isatty(STDOUT_FILENO) == 1);
  std::uint64_t written = 0;
  const std::uint64_t total = sw.plan.shard_runs().size();

  sweep::ExecuteOptions options;
  options.jobs = args.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : args.jobs;
  options.on_record = [&](const sweep::SweepRecord& r) {
    progress.before_stdout_line();
    out << sweep::to_json_line(r) << '\n';
    out.flush();  // line by line: `tail -f FILE.tmp` shows progress
    ++written;
    if (args.html || args.markdown) kept.push_back(r);
  };
  options.on_progress = [&](std::uint64_t done, std::uint64_t n) { progress.update(done, n); };
  progress.update(0, total);
  const std::optional<sweep::RunFailure> failure = sweep::execute_sweep(sw, options);
  progress.finish(written, total);
  if (!failure) return std::nullopt;
  // A broken invariant or an exception from a run is an internal error
  // (internal_error.h); its message names the run's --set values and seed.
  const bool internal = failure->kind != sweep::RunFailure::Kind::bad_input;
  std::cerr << "synsim: " << (internal ? "internal error: " : "") << failure->message
            << (failure->message.ends_with('\n') ? "" : "\n");
  if (args.out) std::cerr << fmt::format("synsim: the {} runs before it are in {}\n", written, tmp);
  return failure->kind == sweep::RunFailure::Kind::bad_input ? kExitBadInput : kExitInvariant;
}

}  // namespace

std::string sweep_metric_help() {
  std::string s;
  for (const std::string& n : sweep::metric_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

int sweep_command(const SweepArgs& args) {
  std::optional<sweep::Metric> metric;
  const std::optional<sweep::PreparedSweep> sw = prepare(args, metric);
  if (!sw) return kExitBadInput;

  const std::string tmp = args.out ? *args.out + ".tmp" : std::string();
  std::ofstream file;
  if (args.out) {
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "synsim: cannot write " << tmp << '\n';
      return kExitBadInput;
    }
  }
  std::ostream& out = args.out ? static_cast<std::ostream&>(file) : std::cout;
  std::vector<sweep::SweepRecord> kept;  // for --html and --markdown
  if (args.markdown && *args.markdown == "-" && !args.out) {
    std::cerr << "synsim: --markdown - prints the table on stdout, where the JSON lines go without --out FILE\n";
    return kExitBadInput;
  }
  if (const std::optional<int> rc = run_sweep(args, *sw, out, tmp, kept)) return *rc;
  if (!out) {
    std::cerr << "synsim: cannot write " << (args.out ? tmp : std::string("stdout")) << '\n';
    return kExitBadInput;
  }
  if (args.out) {
    file.close();
    if (!commit_written_file(tmp, *args.out)) return kExitBadInput;
  }
  if (args.markdown) {
    const int rc = write_markdown(kept, *metric, *args.markdown);
    if (rc != kExitOk) return rc;
  }
  if (args.html) return write_heatmap(std::move(kept), *metric, *args.html);
  return kExitOk;
}

int sweep_report_command(const SweepReportArgs& args) {
  std::string error;
  const std::optional<sweep::Metric> metric = sweep::find_metric(args.metric, &error);
  if (!metric) {
    std::cerr << error << '\n';
    return kExitBadInput;
  }
  sweep::ReadResult read = sweep::read_jsonl_files(args.files);
  if (!read.errors.empty()) {
    for (const std::string& e : read.errors) std::cerr << e << '\n';
    return kExitBadInput;
  }
  return write_heatmap(std::move(read.records), *metric, args.html);
}

// The shards' lines in index order, exactly as one unsharded sweep writes
// them; nothing is written unless the files are one whole sweep.
int sweep_merge_command(const SweepMergeArgs& args) {
  sweep::MergeResult merged = sweep::merge_sweep_files(args.files);
  for (const std::string& w : merged.warnings) std::cerr << "synsim: warning: " << w << '\n';
  if (!merged.errors.empty()) {
    for (const std::string& e : merged.errors) std::cerr << e << '\n';
    return kExitBadInput;
  }
  std::string text;
  for (const sweep::SweepRecord& r : merged.records) text += sweep::to_json_line(r) + '\n';
  if (!args.out) {
    std::cout << text;
    return std::cout.flush() ? kExitOk : kExitBadInput;
  }
  return write_file(*args.out, text) ? kExitOk : kExitBadInput;
}

}  // namespace synsim::cli
