#include "sim/cli/session.h"

#include <sys/utsname.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stop_token>
#include <thread>
#include <utility>

#include "sim/cli/parallel_runs.h"
#include "sim/cli/progress_bar.h"
#include "sim/compare/statistics_render.h"
#include "sim/core/atomic_file.h"
#include "sim/profile/profile.h"
#include "sim/report/expect_text.h"
#include "sim/report/html.h"
#include "sim/report/json.h"
#include "sim/report/markdown.h"
#include "sim/report/out_dir.h"
#include "sim/report/perfetto.h"
#include "sim/report/reason_text.h"
#include "sim/scenario/connections.h"
#include "sim/scenario/load.h"
#include "sim/tcp/counters.h"

namespace synsim::cli {

namespace {

// Wall-clock time of `f()`: the command measures its runs (the model itself
// never reads a real clock) so that scripts can report the speed ratio.
template <typename F>
Duration timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start);
}

// A step that touches the file system: false (said on stderr) if it refused.
bool file_system(const std::function<void()>& step) {
  try {
    step();
  } catch (const std::runtime_error& e) {  // the file system's refusal
    std::cerr << "synsim: " << e.what() << '\n';
    return false;
  }
  return true;
}

// The first run of each side as model/ and kernel/; further ones as
// model-2/, kernel-2/, ... (each reusable with --kernel-outcome).
std::string run_dir(const char* side, std::size_t i) {
  return i == 0 ? std::string(side) : fmt::format("{}-{}", side, i + 1);
}

bool stage_run_dirs(StagedFiles& staged, const std::filesystem::path& dir, const char* side,
                    const std::vector<outcome::Outcome>& outs, const std::string& scenario_text) {
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const std::vector<report::OutDirFile> files = report::render_out_dir(outs[i], scenario_text);
    if (!file_system([&] { report::stage_out_dir(staged, dir / run_dir(side, i), files); })) return false;
  }
  return true;
}

// Each run of the model, then each of the kernel, with its label.
template <typename F>
void for_each_run(const Runs& models, const Runs& kernels, F&& f) {
  for (const auto& [side, runs] : {std::pair{"model", &models}, std::pair{"kernel", &kernels}}) {
    for (std::size_t i = 0; i < runs->outcomes.size(); ++i) {
      f(report::run_label(side, runs->outcomes, i), runs->outcomes[i]);
    }
  }
}

// comparison.txt, comparison.json, report.html, summary.md, trace.json.
bool stage_comparison_files(StagedFiles& staged, const std::filesystem::path& dir, const scenario::Scenario& sc,
                            const Runs& models, const Runs& kernels, const Verdict& v,
                            const std::string& comparison_text) {
  const outcome::Outcome& model_out = models.outcomes.front();
  const outcome::Outcome& kernel_out = kernels.outcomes.front();
  const compare::Comparison* c = v.per_connection ? &*v.per_connection : nullptr;
  report::HtmlReport html;
  html.model = &model_out;
  html.kernel = &kernel_out;
  html.comparison = c;
  html.scenario_text = sc.source_text;
  // Every run's expect: results, not the first run's only (compare --runs N).
  const std::vector<report::JudgedSide> runs = report::judged_runs(models.outcomes, kernels.outcomes);
  html.runs = runs;
  if (c == nullptr) html.statistics = report::HtmlReport::Statistics{v.statistics.agree(), v.text};
  const std::pair<const char*, std::function<std::string()>> outputs[] = {
      {"comparison.txt", [&] { return comparison_text; }},
      {"comparison.json", [&] { return v.json; }},
      {"report.html", [&] { return report::render_html(html); }},
      {"summary.md",
       [&] {
         return c != nullptr ? report::render_markdown(model_out, &kernel_out, c, "", &runs)
                             : report::render_markdown(model_out, &kernel_out, nullptr,
                                                       compare::render_statistics_markdown(v.statistics), &runs);
       }},
      {"trace.json", [&] { return report::render_perfetto(model_out, &kernel_out); }},
  };
  for (const auto& output : outputs) {
    const char* name = output.first;  // (clang 14 cannot capture a structured binding)
    const std::string bytes = output.second();
    if (!file_system([&] { staged.stage(dir / name, bytes); })) return false;
  }
  return true;
}

}  // namespace

std::optional<scenario::Scenario> load_scenario(const std::string& file, const std::vector<std::string>& sets) {
  scenario::LoadResult r = scenario::load_file(file, sets);
  if (!r.ok()) {
    for (const scenario::Diagnostic& d : r.errors) std::cerr << d.str() << '\n';
    return std::nullopt;
  }
  return std::move(r.scenario);
}

std::string_view host_profile_name() {
  // The profile of the kernel this machine runs (uname -r); the modern
  // profile where the release cannot be read.
  utsname u{};
  if (::uname(&u) == 0) {
    if (const profile::Profile* p = profile::profile_for_release(u.release)) return p->name;
  }
  return profile::host_profile().name;
}

std::optional<outcome::Outcome> run_on_model(const scenario::Scenario& sc, const model::RunOptions& options,
                                             const std::string& file) {
  try {
    return model::run(sc, options);
  } catch (const model::Unsupported& e) {
    std::cerr << file << ": " << e.what() << '\n';
    return std::nullopt;
  }
  // An InvariantViolation escapes to the caller: an internal error
  // (internal_error.h), before anything was written.
}

std::optional<Runs> run_on_model_seeds(const scenario::Scenario& sc, std::size_t runs, const std::string& file,
                                       unsigned jobs, model::RunOptions::Detail detail) {
  Runs r;
  r.outcomes.resize(runs);
  std::vector<Duration> walls(runs, Duration{0});
  // A load scenario's runs take seconds each (a bar, or a record every 5 s).
  ProgressBar progress(runs > 1 ? ProgressBar::style_for_stderr() : ProgressBar::Style::off, false, "model runs");
  try {
    run_indices(
        runs, jobs,
        [&](std::size_t i) {
          model::RunOptions options;
          options.seed = sc.seed + i;
          options.detail = detail;
          if (detail == model::RunOptions::Detail::summary) {
            options.record_packets = false;
            options.record_sockets = false;
          }
          walls[i] = timed([&] { r.outcomes[i] = model::run(sc, options); });
        },
        [&](std::size_t done) { progress.update(done, runs); });
    progress.finish(runs, runs);
  } catch (const model::Unsupported& e) {
    std::cerr << file << ": " << e.what() << '\n';
    return std::nullopt;
  }
  // The runs' own times added up (CPU-like: with J jobs the elapsed time is less).
  r.wall = Duration{0};
  for (const Duration w : walls) *r.wall += w;
  return r;
}

namespace {

// A kernel run lasts the scenario's duration in real time (minutes, for
// some): while it runs, the seconds gone against the scenario's, as a bar on
// a terminal or a record every 5 s in a log. The runner takes a little more
// than the duration (the namespace, the probes), so the count stops at it.
class KernelRunProgress {
 public:
  explicit KernelRunProgress(Duration duration)
      : total_(static_cast<std::uint64_t>((to_ns(duration) + 999'999'999) / 1'000'000'000)),
        progress_(ProgressBar::style_for_stderr(), false, "s of the kernel run"),
        ticker_([this](std::stop_token stop) { tick(stop); }) {}
  ~KernelRunProgress() {
    ticker_.request_stop();
    ticker_.join();
    progress_.finish(std::min(seconds(), total_), total_);
  }
  KernelRunProgress(const KernelRunProgress&) = delete;
  KernelRunProgress& operator=(const KernelRunProgress&) = delete;

 private:
  std::uint64_t seconds() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_).count());
  }
  void tick(const std::stop_token& stop) {
    std::mutex m;
    std::condition_variable_any wake;
    std::unique_lock lock(m);
    // Woken early only by the stop (wait_for returns the predicate: false).
    while (!stop.stop_requested()) {
      wake.wait_for(lock, stop, std::chrono::milliseconds(200), [] { return false; });
      if (!stop.stop_requested()) progress_.update(std::min(seconds(), total_), total_);
    }
  }

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  const std::uint64_t total_;
  ProgressBar progress_;
  std::jthread ticker_;  // last: started once the rest is built
};

}  // namespace

KernelRun run_on_kernel(const scenario::Scenario& sc, const kernel::KernelOptions& options) {
  KernelRun r;
  try {
    std::vector<outcome::Reason> notes;
    {
      const KernelRunProgress progress(sc.duration);
      r.outcome = kernel::run_kernel(sc, options, &notes);
    }
    for (const outcome::Reason& n : notes) r.notes.push_back(report::reason_text(n));
  } catch (const kernel::Unsupported& e) {
    r.refused = KernelRefusal{false, e.what()};
  } catch (const kernel::EnvironmentError& e) {
    r.refused = KernelRefusal{true, e.what()};
  }
  return r;
}

KernelRuns run_on_kernel_repeatedly(const scenario::Scenario& sc, std::size_t runs,
                                    const kernel::KernelOptions& options) {
  KernelRuns k;
  k.runs.wall = Duration{0};
  // Each run lasts the scenario's duration in real time: a line after each
  // (of several), on a terminal or in a log alike.
  ProgressBar progress(runs > 1 ? ProgressBar::Style::records : ProgressBar::Style::off, false, "kernel runs",
                       std::chrono::milliseconds(0));
  try {
    for (std::size_t i = 0; i < runs && !kernel::stop_requested(); ++i) {
      k.runs.outcomes.emplace_back();
      *k.runs.wall += timed([&] { k.runs.outcomes.back() = kernel::run_kernel(sc, options); });
      progress.update(i + 1, runs);
    }
  } catch (const kernel::Unsupported& e) {
    k.refused = KernelRefusal{false, e.what()};
  } catch (const kernel::EnvironmentError& e) {
    k.refused = KernelRefusal{true, e.what()};
  }
  return k;
}

std::optional<outcome::Outcome> read_kernel_outcome_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": cannot read the kernel outcome\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return report::outcome_from_json(text.str());
  } catch (const std::exception& e) {
    std::cerr << path << ": " << e.what() << '\n';
    return std::nullopt;
  }
}

std::optional<compare::StatOptions> statistical_options(const std::string& stall_threshold) {
  compare::StatOptions options;
  std::string error;
  const std::optional<Duration> threshold = scenario::parse_duration(stall_threshold, &error);
  if (!threshold || *threshold <= Duration{0}) {
    std::cerr << "--stall-threshold: " << (threshold ? "must be positive" : error) << '\n';
    return std::nullopt;
  }
  options.stall_threshold = *threshold;
  return options;
}

compare::Mode comparison_mode(const std::string& mode, const scenario::Scenario& sc) {
  return mode == "auto"          ? compare::mode_for(scenario::total_connections(sc))
         : mode == "statistical" ? compare::Mode::statistical
                                 : compare::Mode::connections;
}

Verdict compare_runs(const Runs& models, const Runs& kernels, compare::Mode mode, const compare::StatOptions& options,
                     std::int64_t noise_ms) {
  Verdict v;
  v.statistics = compare::compare_statistics(models.outcomes, kernels.outcomes, options);
  v.statistics.model_wall = models.wall;
  v.statistics.kernel_wall = kernels.wall;
  if (mode == compare::Mode::connections) {
    const outcome::Outcome& kernel_out = kernels.outcomes.front();
    compare::Options o;
    if (kernel_out.info.hz > 0) o.hz = kernel_out.info.hz;
    o.noise = ms(noise_ms);
    for (std::size_t m = 0; m < static_cast<std::size_t>(tcp::Mib::kCount); ++m) {
      o.modelled_counters.emplace_back(tcp::mib_name(static_cast<tcp::Mib>(m)));
    }
    v.per_connection = compare::compare(models.outcomes.front(), kernel_out, o);
    v.text = compare::render_text(*v.per_connection);
  } else {
    v.text = compare::render_statistics_text(v.statistics);
  }
  v.json = report::render_comparison_json(v.statistics, v.per_connection ? &*v.per_connection : nullptr,
                                          models.outcomes, kernels.outcomes);
  return v;
}

void judge_runs(const scenario::Scenario& sc, Runs& runs) {
  for (outcome::Outcome& out : runs.outcomes) expect::judge(sc.expect, out);
}

bool say_failed_expectations(const outcome::Outcome& out, std::string_view side) {
  if (!out.expect || outcome::all_held(*out.expect)) return false;
  for (const outcome::Expectation& r : *out.expect) {
    if (r.passed) continue;
    std::cerr << "expectation failed" << (side.empty() ? "" : " on the ") << side << ": "
              << report::expectation_text(r) << ": got " << report::expectation_actual_text(r) << '\n';
  }
  return true;
}

bool say_failed_expectations(const Runs& models, const Runs& kernels) {
  bool failed = false;
  for_each_run(models, kernels, [&](const std::string& label, const outcome::Outcome& out) {
    failed = say_failed_expectations(out, label) || failed;
  });
  return failed;
}

std::string expectations_banners(const Runs& models, const Runs& kernels) {
  std::string text;
  for_each_run(models, kernels, [&](const std::string& label, const outcome::Outcome& out) {
    text += report::expectations_banner(out, label);
  });
  return text;
}

std::string expectations_text(const Runs& models, const Runs& kernels) {
  std::string text;
  for_each_run(models, kernels, [&](const std::string& label, const outcome::Outcome& out) {
    if (out.expect && !out.expect->empty()) {
      text += "\nexpectations on the " + label + "\n" + report::render_expectations(*out.expect);
    }
  });
  return text;
}

std::string render_spread(const std::vector<outcome::Outcome>& runs, const std::vector<std::uint64_t>& seeds,
                          bool json) {
  const std::vector<compare::Spread> spread = compare::spread(runs);
  return json ? report::render_spread_json(spread, seeds, runs) : compare::render_spread_text(spread, seeds);
}

bool write_run_dir(const std::string& dir, const outcome::Outcome& out, const std::string& scenario_text,
                   const outcome::Outcome* summary) {
  return file_system([&] { report::write_out_dir(dir, out, scenario_text, summary); });
}

bool write_comparison_dir(const std::string& dir_name, const scenario::Scenario& sc, const Runs& models,
                          const Runs& kernels, const Verdict& verdict, const std::string& comparison_text) {
  // Each output is rendered, then staged under a temporary name (one in
  // memory at a time: a load scenario's are hundreds of MB), and all
  // appear together at the end: an internal error while rendering the
  // next one leaves no half-written output (the staged ones are removed).
  StagedFiles staged;
  const std::filesystem::path dir(dir_name);
  std::vector<std::string> names = {"comparison.txt", "comparison.json", "report.html", "summary.md", "trace.json"};
  for (std::size_t i = 0; i < std::max(models.outcomes.size(), kernels.outcomes.size()); ++i) {
    names.push_back(run_dir("model", i));
    names.push_back(run_dir("kernel", i));
  }
  return file_system([&] { report::claim_out_dir(dir, names); }) &&
         stage_run_dirs(staged, dir, "model", models.outcomes, sc.source_text) &&
         stage_run_dirs(staged, dir, "kernel", kernels.outcomes, sc.source_text) &&
         stage_comparison_files(staged, dir, sc, models, kernels, verdict, comparison_text) &&
         file_system([&] { staged.publish(); });
}

bool write_file(const std::string& path, const std::string& text) {
  return file_system([&] { write_file_atomically(path, text); });
}

bool commit_written_file(const std::string& tmp, const std::string& path) {
  return file_system([&] { commit_file(tmp, path); });
}

}  // namespace synsim::cli
