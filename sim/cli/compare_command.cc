#include "sim/cli/compare_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/compare/compare.h"
#include "sim/core/invariant.h"
#include "sim/expect/evaluate.h"
#include "sim/kernel/runner.h"
#include "sim/model/run.h"
#include "sim/report/html.h"
#include "sim/report/markdown.h"
#include "sim/report/out_dir.h"
#include "sim/report/perfetto.h"
#include "sim/scenario/load.h"
#include "sim/tcp/counters.h"

namespace synsim::cli {

namespace {

// Writes `text` to DIR/name through a temporary file and a rename.
void write_atomically(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path tmp = dir / ("." + name + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, dir / name);
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
  outcome::Outcome model_out;
  try {
    model_out = model::run(sc);
  } catch (const model::Unsupported& e) {
    std::cerr << args.file << ": " << e.what() << '\n';
    return kExitBadInput;
  } catch (const InvariantViolation& e) {
    std::cerr << "synsim: " << e.report();
    return kExitInvariant;
  }
  std::cerr << "synsim: running " << sc.name << " on the kernel (" << format_duration(sc.duration)
            << " of real time)\n";
  stop_kernel_runs_on_signals();
  outcome::Outcome kernel_out;
  try {
    kernel_out = kernel::run_kernel(sc);
  } catch (const kernel::Unsupported& e) {
    std::cerr << args.file << ": " << e.what() << '\n';
    return kExitBadInput;
  } catch (const kernel::EnvironmentError& e) {
    std::cerr << "synsim: " << e.what() << '\n';
    return kExitEnvironment;
  }

  compare::Options options;
  if (kernel_out.info.hz > 0) options.hz = kernel_out.info.hz;
  options.noise = ms(args.noise_ms);
  for (std::size_t m = 0; m < static_cast<std::size_t>(tcp::Mib::kCount); ++m) {
    options.modelled_counters.emplace_back(tcp::mib_name(static_cast<tcp::Mib>(m)));
  }
  const compare::Comparison c = compare::compare(model_out, kernel_out, options);
  const std::string text = compare::render_text(c);
  std::string expectations;
  for (const auto& [side, out] : {std::pair{"model", &model_out}, std::pair{"kernel", &kernel_out}}) {
    const auto results = expect::evaluate(sc.expect, *out);
    if (!results.empty()) expectations += std::string("\nexpectations on the ") + side + "\n" + expect::render(results);
  }
  std::cout << text << expectations;
  if (args.out_dir) {
    try {
      const std::filesystem::path dir(*args.out_dir);
      report::claim_out_dir(dir, {"model", "kernel", "comparison.txt", "report.html", "summary.md", "trace.json"});
      report::write_out_dir(dir / "model", model_out, sc.source_text);
      report::write_out_dir(dir / "kernel", kernel_out, sc.source_text);
      write_atomically(dir, "comparison.txt", text + expectations);
      report::HtmlReport html;
      html.model = &model_out;
      html.kernel = &kernel_out;
      html.comparison = &c;
      html.scenario_text = sc.source_text;
      write_atomically(dir, "report.html", report::render_html(html));
      write_atomically(dir, "summary.md", report::render_markdown(model_out, &kernel_out, &c));
      write_atomically(dir, "trace.json", report::render_perfetto(model_out, &kernel_out));
    } catch (const std::exception& e) {
      std::cerr << "synsim: " << e.what() << '\n';
      return kExitBadInput;
    }
  }
  if (kernel_out.info.partial) {
    std::cerr << "synsim compare: interrupted at " << format_seconds(kernel_out.info.stopped_at)
              << " s: the kernel side is partial, so is the comparison\n";
    return kExitInterrupted;
  }
  return c.agree() ? kExitOk : kExitExpectationFailed;
}

}  // namespace synsim::cli
