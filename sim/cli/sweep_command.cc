#include "sim/cli/sweep_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "sim/cli/exit_codes.h"
#include "sim/core/atomic_file.h"
#include "sim/sweep/execute.h"
#include "sim/sweep/grid.h"
#include "sim/sweep/heatmap.h"
#include "sim/sweep/metric.h"
#include "sim/sweep/plan.h"
#include "sim/sweep/record.h"

namespace synsim::cli {

namespace {

constexpr unsigned kMaxJobs = 1024;

// `[=====>    ] 12/40 runs, 3.2 s` on stderr, redrawn in place, at most ten
// times a second. Wall-clock time is for the person waiting; it never
// reaches the output.
class ProgressBar {
 public:
  ProgressBar(bool enabled, bool clear_before_stdout)
      : enabled_(enabled), clear_before_stdout_(clear_before_stdout), start_(Clock::now()) {}

  void before_stdout_line() {
    if (enabled_ && clear_before_stdout_ && drawn_) std::cerr << "\r\033[K" << std::flush;
  }
  void update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    if (done != total && drawn_ && now - last_ < std::chrono::milliseconds(100) && !clear_before_stdout_) return;
    last_ = now;
    draw(done, total, now);
  }
  void finish(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    draw(done, total, Clock::now());
    std::cerr << '\n' << std::flush;
  }

 private:
  using Clock = std::chrono::steady_clock;

  void draw(std::uint64_t done, std::uint64_t total, Clock::time_point now) {
    constexpr std::uint64_t kWidth = 30;
    const std::uint64_t filled = total == 0 ? kWidth : done * kWidth / total;
    std::string bar(filled, '=');
    if (filled < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::cerr << fmt::format("\r[{}] {}/{} runs, {:.1f} s", bar, done, total, seconds) << "\033[K" << std::flush;
    drawn_ = true;
  }

  bool enabled_;
  bool clear_before_stdout_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

// Writes `text` to `path` (write_file_atomically): a reader never sees half a page.
bool write_page(const std::string& path, const std::string& text) {
  try {
    write_file_atomically(path, text);
  } catch (const std::runtime_error& e) {
    std::cerr << "synsim: " << e.what() << '\n';
    return false;
  }
  return true;
}

int write_heatmap(std::vector<sweep::SweepRecord> records, const sweep::Metric& metric, const std::string& path) {
  sweep::HeatmapResult page = sweep::render_heatmap_html(std::move(records), metric);
  for (const std::string& w : page.warnings) std::cerr << "synsim: warning: " << w << '\n';
  if (!page.errors.empty()) {
    for (const std::string& e : page.errors) std::cerr << "synsim: " << e << '\n';
    return kExitBadInput;
  }
  return write_page(path, page.html) ? kExitOk : kExitBadInput;
}

}  // namespace

std::string sweep_metric_help() {
  std::string s;
  for (const std::string& n : sweep::metric_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

int sweep_command(const SweepArgs& args) {
  // Every problem with the options is reported before anything runs.
  bool bad = false;
  sweep::GridsParse grid = sweep::parse_grid(args.grids);
  for (const sweep::GridError& e : grid.errors) std::cerr << e.str() << '\n';
  bad = bad || !grid.errors.empty();
  sweep::Shard shard;
  if (args.shard) {
    std::string error;
    if (std::optional<sweep::Shard> s = sweep::parse_shard(*args.shard, &error)) {
      shard = *s;
    } else {
      std::cerr << error << '\n';
      bad = true;
    }
  }
  std::optional<sweep::Metric> metric;
  if (args.html) {
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
  if (bad) return kExitBadInput;

  std::string error;
  std::optional<sweep::SweepPlan> plan = sweep::SweepPlan::make(std::move(grid.axes), args.seeds, shard, &error);
  if (!plan) {
    std::cerr << error << '\n';
    return kExitBadInput;
  }
  sweep::Preparation prepared = sweep::prepare_sweep(args.file, args.sets, std::move(*plan));
  if (!prepared.sweep) {
    for (const std::string& e : prepared.errors) std::cerr << e << '\n';
    return kExitBadInput;
  }
  const sweep::PreparedSweep& sw = *prepared.sweep;

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

  const bool stderr_tty = isatty(STDERR_FILENO) == 1;
  ProgressBar progress(stderr_tty, !args.out && isatty(STDOUT_FILENO) == 1);
  std::vector<sweep::SweepRecord> kept;  // for --html
  std::uint64_t written = 0;
  const std::uint64_t total = sw.plan.shard_runs().size();

  sweep::ExecuteOptions options;
  options.jobs = args.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : args.jobs;
  options.on_record = [&](const sweep::SweepRecord& r) {
    progress.before_stdout_line();
    out << sweep::to_json_line(r) << '\n';
    out.flush();  // line by line: `tail -f FILE.tmp` shows progress
    ++written;
    if (args.html) kept.push_back(r);
  };
  options.on_progress = [&](std::uint64_t done, std::uint64_t n) { progress.update(done, n); };
  progress.update(0, total);
  const std::optional<sweep::RunFailure> failure = sweep::execute_sweep(sw, options);
  progress.finish(written, total);

  if (failure) {
    // A broken invariant or an exception from a run is an internal error
    // (internal_error.h); its message names the run's --set values and seed.
    const bool internal = failure->kind != sweep::RunFailure::Kind::bad_input;
    std::cerr << "synsim: " << (internal ? "internal error: " : "") << failure->message
              << (failure->message.ends_with('\n') ? "" : "\n");
    if (args.out) std::cerr << fmt::format("synsim: the {} runs before it are in {}\n", written, tmp);
    return failure->kind == sweep::RunFailure::Kind::bad_input ? kExitBadInput : kExitInvariant;
  }
  if (!out) {
    std::cerr << "synsim: cannot write " << (args.out ? tmp : std::string("stdout")) << '\n';
    return kExitBadInput;
  }
  if (args.out) {
    file.close();
    try {
      commit_file(tmp, *args.out);
    } catch (const std::runtime_error& e) {
      std::cerr << "synsim: " << e.what() << '\n';
      return kExitBadInput;
    }
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

}  // namespace synsim::cli
