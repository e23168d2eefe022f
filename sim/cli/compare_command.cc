#include "sim/cli/compare_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/compare/compare.h"
#include "sim/compare/statistics.h"
#include "sim/compare/statistics_render.h"
#include "sim/core/atomic_file.h"
#include "sim/expect/evaluate.h"
#include "sim/kernel/runner.h"
#include "sim/model/run.h"
#include "sim/report/html.h"
#include "sim/report/json.h"
#include "sim/report/markdown.h"
#include "sim/report/out_dir.h"
#include "sim/report/perfetto.h"
#include "sim/report/svg.h"
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

// The saved kernel outcome for --kernel-outcome. Returns an exit code on failure.
std::optional<int> read_kernel_outcome(const std::string& path, const scenario::Scenario& sc, outcome::Outcome& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": cannot read the kernel outcome\n";
    return kExitBadInput;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    out = report::outcome_from_json(text.str());
  } catch (const std::exception& e) {
    std::cerr << path << ": " << e.what() << '\n';
    return kExitBadInput;
  }
  // Another scenario's outcome would compare two different experiments.
  if (out.info.scenario != sc.name) {
    std::cerr << path << ": holds an outcome of scenario " << out.info.scenario << ", not " << sc.name << '\n';
    return kExitBadInput;
  }
  // So would the same scenario with other settings (a --set on one side only).
  if (out.info.settings.empty()) {
    std::cerr << "synsim: note: " << path << " does not say which settings it ran with (written by an older "
              << "synsim); it is taken to be this experiment\n";
  } else if (out.info.settings != sc.settings) {
    std::vector<std::string> theirs;
    std::vector<std::string> ours;
    std::set_difference(out.info.settings.begin(), out.info.settings.end(), sc.settings.begin(), sc.settings.end(),
                        std::back_inserter(theirs));
    std::set_difference(sc.settings.begin(), sc.settings.end(), out.info.settings.begin(), out.info.settings.end(),
                        std::back_inserter(ours));
    std::cerr << path << ": ran " << sc.name << " with other settings; comparing it would judge two experiments\n";
    for (const std::string& s : theirs) std::cerr << "  saved run:        " << s << '\n';
    for (const std::string& s : ours) std::cerr << "  this comparison:  " << s << '\n';
    return kExitBadInput;
  }
  if (out.info.source != "kernel") {
    std::cerr << "synsim: note: " << path << " holds a " << out.info.source << " outcome, compared as the kernel side\n";
  }
  return std::nullopt;
}

}  // namespace

int compare_command(const CompareArgs& args) {
  scenario::LoadResult loaded = scenario::load_file(args.file, args.sets);
  if (!loaded.ok()) {
    for (const scenario::Diagnostic& d : loaded.errors) std::cerr << d.str() << '\n';
    return kExitBadInput;
  }
  const scenario::Scenario& sc = *loaded.scenario;
  if (sc.kernel != "linux-6.18") {
    std::cerr << args.file << ": the kernel side runs this machine's kernel; compare needs the linux-6.18 "
              << "profile (got " << sc.kernel << ")\n";
    return kExitBadInput;
  }
  compare::StatOptions stat_options;
  std::string error;
  const std::optional<Duration> threshold = scenario::parse_duration(args.stall_threshold, &error);
  if (!threshold || *threshold <= Duration{0}) {
    std::cerr << "--stall-threshold: " << (threshold ? "must be positive" : error) << '\n';
    return kExitBadInput;
  }
  stat_options.stall_threshold = *threshold;
  const compare::Mode mode = args.mode == "auto"          ? compare::mode_for(scenario::total_connections(sc))
                             : args.mode == "statistical" ? compare::Mode::statistical
                                                          : compare::Mode::connections;

  const std::size_t runs = args.runs > 0 ? args.runs : std::max<std::size_t>(1, args.kernel_outcomes.size());
  std::vector<outcome::Outcome> models(runs);
  Duration model_wall{};
  try {
    for (std::size_t i = 0; i < runs; ++i) {
      model::RunOptions options;
      options.seed = sc.seed + i;
      model_wall += timed([&] { models[i] = model::run(sc, options); });
    }
  } catch (const model::Unsupported& e) {
    std::cerr << args.file << ": " << e.what() << '\n';
    return kExitBadInput;
  }
  // An InvariantViolation escapes to the caller: an internal error
  // (internal_error.h), before anything was written.
  std::vector<outcome::Outcome> kernels;
  std::optional<Duration> kernel_wall;
  if (!args.kernel_outcomes.empty()) {
    for (const std::string& path : args.kernel_outcomes) {
      kernels.emplace_back();
      if (const auto rc = read_kernel_outcome(path, sc, kernels.back())) return *rc;
    }
  } else {
    std::cerr << "synsim: running " << sc.name << " on the kernel " << runs << " time" << (runs == 1 ? "" : "s")
              << " (" << format_duration(sc.duration) << " of real time each)\n";
    stop_kernel_runs_on_signals();
    kernel_wall = Duration{0};
    try {
      kernel::KernelOptions options;
      options.loader = kernel::loader_kind_named(args.loader).value_or(kernel::LoaderKind::asio);
      for (std::size_t i = 0; i < runs && !kernel::stop_requested(); ++i) {
        kernels.emplace_back();
        *kernel_wall += timed([&] { kernels.back() = kernel::run_kernel(sc, options); });
      }
    } catch (const kernel::Unsupported& e) {
      std::cerr << args.file << ": " << e.what() << '\n';
      return kExitBadInput;
    } catch (const kernel::EnvironmentError& e) {
      std::cerr << "synsim: " << e.what() << '\n';
      return kExitEnvironment;
    }
  }
  const outcome::Outcome& model_out = models.front();
  const outcome::Outcome& kernel_out = kernels.front();

  compare::StatisticalComparison stats = compare::compare_statistics(models, kernels, stat_options);
  stats.model_wall = model_wall;
  stats.kernel_wall = kernel_wall;
  std::optional<compare::Comparison> c;
  std::string text;
  if (mode == compare::Mode::connections) {
    compare::Options options;
    if (kernel_out.info.hz > 0) options.hz = kernel_out.info.hz;
    options.noise = ms(args.noise_ms);
    for (std::size_t m = 0; m < static_cast<std::size_t>(tcp::Mib::kCount); ++m) {
      options.modelled_counters.emplace_back(tcp::mib_name(static_cast<tcp::Mib>(m)));
    }
    c = compare::compare(model_out, kernel_out, options);
    text = compare::render_text(*c);
  } else {
    text = compare::render_statistics_text(stats);
  }
  const std::string json = compare::render_statistics_json(stats, c ? &*c : nullptr);
  std::string expectations;
  for (const auto& [side, out] : {std::pair{"model", &model_out}, std::pair{"kernel", &kernel_out}}) {
    const auto results = expect::evaluate(sc.expect, *out);
    if (!results.empty()) expectations += std::string("\nexpectations on the ") + side + "\n" + expect::render(results);
  }
  std::cout << (args.format == "json" ? json : text + expectations);
  if (args.out_dir) {
    // Each output is rendered, then staged under a temporary name (one in
    // memory at a time: a load scenario's are hundreds of MB), and all
    // appear together at the end: an internal error while rendering the
    // next one leaves no half-written output (the staged ones are removed).
    StagedFiles staged;
    // A step that touches the file system: false (said on stderr) if it refused.
    auto file_system = [&](const std::function<void()>& step) {
      try {
        step();
      } catch (const std::runtime_error& e) {  // the file system's refusal
        std::cerr << "synsim: " << e.what() << '\n';
        return false;
      }
      return true;
    };
    const std::filesystem::path dir(*args.out_dir);
    // The first run of each side as model/ and kernel/; further ones as
    // model-2/, kernel-2/, ... (each reusable with --kernel-outcome).
    auto run_dir = [](const char* side, std::size_t i) {
      return i == 0 ? std::string(side) : fmt::format("{}-{}", side, i + 1);
    };
    std::vector<std::string> names = {"comparison.txt", "comparison.json", "report.html", "summary.md", "trace.json"};
    for (std::size_t i = 0; i < std::max(models.size(), kernels.size()); ++i) {
      names.push_back(run_dir("model", i));
      names.push_back(run_dir("kernel", i));
    }
    if (!file_system([&] { report::claim_out_dir(dir, names); })) return kExitBadInput;
    for (const auto& [side_name, outs] : {std::pair{"model", &models}, std::pair{"kernel", &kernels}}) {
      const char* side = side_name;  // (clang 14 cannot capture a structured binding)
      for (std::size_t i = 0; i < outs->size(); ++i) {
        const std::vector<report::OutDirFile> files = report::render_out_dir((*outs)[i], sc.source_text);
        if (!file_system([&] { report::stage_out_dir(staged, dir / run_dir(side, i), files); })) return kExitBadInput;
      }
    }
    report::HtmlReport html;
    html.model = &model_out;
    html.kernel = &kernel_out;
    html.comparison = c ? &*c : nullptr;
    html.scenario_text = sc.source_text;
    if (!c) html.statistics = report::HtmlReport::Statistics{stats.agree(), text};
    const std::pair<const char*, std::function<std::string()>> outputs[] = {
        {"comparison.txt", [&] { return text + expectations; }},
        {"comparison.json", [&] { return json; }},
        {"report.html", [&] { return report::render_html(html); }},
        {"summary.md",
         [&] {
           return c ? report::render_markdown(model_out, &kernel_out, &*c)
                    : compare::render_statistics_markdown(stats) +
                          report::render_markdown(model_out, &kernel_out, nullptr);
         }},
        {"trace.json", [&] { return report::render_perfetto(model_out, &kernel_out); }},
    };
    for (const auto& output : outputs) {
      const char* name = output.first;  // (clang 14 cannot capture a structured binding)
      const auto& render = output.second;
      const std::string bytes = render();
      if (!file_system([&] { staged.stage(dir / name, bytes); })) return kExitBadInput;
    }
    if (!file_system([&] { staged.publish(); })) return kExitBadInput;
  }
  if (kernels.back().info.partial || (args.kernel_outcomes.empty() && kernels.size() < runs)) {
    std::cerr << "synsim compare: interrupted at " << format_seconds(kernels.back().info.stopped_at) << " s of run "
              << kernels.size() << " of " << runs << ": the kernel side is partial, so is the comparison\n";
    return kExitInterrupted;
  }
  const bool agree = c ? c->agree() : stats.agree();
  return agree ? kExitOk : kExitExpectationFailed;
}

}  // namespace synsim::cli
