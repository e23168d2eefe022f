#include "sim/cli/calibrate_command.h"

#include <fmt/format.h>
#include <sys/utsname.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/session.h"
#include "sim/kernel/text_file.h"
#include "sim/model/calibrate.h"
#include "sim/model/translate.h"
#include "sim/scenario/load.h"

namespace synsim::cli {
namespace {

// /proc/cpuinfo's first "model name" ("AMD EPYC"), or "" where there is none.
std::string cpu_model_name() {
  const std::optional<std::string> text = kernel::read_text_file("/proc/cpuinfo");
  if (!text) return "";
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) return "";
    std::string name = line.substr(colon + 1);
    name.erase(0, name.find_first_not_of(' '));
    return name;
  }
  return "";
}

Duration median(std::vector<Duration> v) {
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];  // the lower median, as the verdict takes it
}

// "126.4 ms", "21.6 us": the figures as calibrate prints them (scripts/load-space reads them back).
std::string in_ms(Duration d) { return fmt::format("{:.1f} ms", static_cast<double>(d.count()) / 1e6); }
std::string in_us(Duration d) { return fmt::format("{:.1f} us", static_cast<double>(d.count()) / 1e3); }

// The fitted costs as --set values, one per machine.costs key.
std::vector<std::string> cost_sets(std::uint32_t scale_per_mille, std::uint32_t server_per_mille = 1000) {
  const model::Costs c = model::scaled_costs(model::measured_costs(), scale_per_mille, server_per_mille);
  std::vector<std::string> sets;
  for (const model::CostField& f : model::cost_fields()) {
    sets.push_back(fmt::format("machine.costs.{}={}ns", f.key, (c.*f.cost).count()));
  }
  return sets;
}

// The median run's CPU per connection and wait, per role; nullopt where a
// run lacks the threads' figures.
std::optional<MachineCalibration::Split> split_of(const std::vector<outcome::Outcome>& runs) {
  std::vector<Duration> lc, lw, sc, sw;
  for (const outcome::Outcome& out : runs) {
    const outcome::ThreadTimes& l = out.info.loader_threads;
    const outcome::ThreadTimes& s = out.info.server_threads;
    const auto started = static_cast<std::int64_t>(
        std::count_if(out.connections.begin(), out.connections.end(),
                      [](const outcome::ConnectionRecord& c) { return c.connect_start.has_value(); }));
    if (l.threads == 0 || s.threads == 0 || started == 0) return std::nullopt;
    lc.push_back(l.cpu / started);
    lw.push_back(l.waited);
    sc.push_back(s.cpu / started);
    sw.push_back(s.waited);
  }
  if (lc.empty()) return std::nullopt;
  return MachineCalibration::Split{{median(lc), median(lw)}, {median(sc), median(sw)}};
}

std::string split_text(const MachineCalibration::Split& s) {
  return fmt::format("loader {} CPU a connection (waited {} for a CPU), server {} (waited {})",
                     in_us(s.loader.cpu_per_connection), in_ms(s.loader.waited), in_us(s.server.cpu_per_connection),
                     in_ms(s.server.waited));
}

// The calibration scenario's model at the given factors (model::scale_costs):
// its outcomes over `runs` seeds.
std::vector<outcome::Outcome> model_at(const scenario::Scenario& sc, std::uint32_t runs, std::uint32_t scale,
                                       std::uint32_t server) {
  scenario::Scenario s = sc;
  model::scale_costs(s, scale, server);
  std::optional<Runs> m = run_on_model_seeds(s, runs, "calibrate");
  if (!m) throw std::logic_error("synsim calibrate: the model cannot run the calibration scenario");
  return std::move(m->outcomes);
}

Duration pace_of(const std::vector<outcome::Outcome>& outs) {
  std::vector<Duration> paces;
  for (const outcome::Outcome& out : outs) paces.push_back(model::closed_loop_pace(out).value());
  return median(paces);
}

// --fit cpu: the two factors that give the model the kernel's split
// (model::fit_cpu_split); an exit code where the kernel runs lack it.
std::variant<MachineCalibration, int> fit_cpu(MachineCalibration& cal, const scenario::Scenario& sc,
                                              std::uint32_t runs) {
  if (!cal.kernel_split) {
    std::cerr << "synsim calibrate: the kernel runs did not record their threads' CPU (no "
                 "/proc/thread-self/schedstat); --fit pace fits the pace alone\n";
    return kExitEnvironment;
  }
  const model::CpuSplit target{cal.kernel_split->loader.cpu_per_connection,
                               cal.kernel_split->server.cpu_per_connection};
  cal.split_fit = model::fit_cpu_split(target, [&](std::uint32_t scale, std::uint32_t server) {
    const std::vector<outcome::Outcome> outs = model_at(sc, runs, scale, server);
    if (scale == 1000 && server == 1000) cal.shipped_pace = pace_of(outs);
    const std::optional<MachineCalibration::Split> s = split_of(outs);
    if (!s) throw std::logic_error("synsim calibrate: the model's runs lack their threads' figures");
    return model::CpuSplit{s->loader.cpu_per_connection, s->server.cpu_per_connection};
  });
  const model::SplitFit& f = *cal.split_fit;
  const std::vector<outcome::Outcome> fitted = model_at(sc, runs, f.scale_per_mille, f.server_per_mille);
  cal.split_fit_pace = pace_of(fitted);
  cal.model_split = split_of(fitted);
  cal.fit.scale_per_mille = f.scale_per_mille;
  cal.fit.pace = *cal.split_fit_pace;
  cal.fit.converged = f.converged;
  cal.sets = cost_sets(f.scale_per_mille, f.server_per_mille);
  return cal;
}

}  // namespace

std::string MachineCalibration::summary() const {
  std::vector<Duration> sorted = kernel_paces;
  std::sort(sorted.begin(), sorted.end());
  return fmt::format("machine.costs x{:.3f} (closed loop of 64: kernel {} / {} / {}, model {}{})",
                     static_cast<double>(fit.scale_per_mille) / 1000, in_ms(sorted.front()), in_ms(median(kernel_paces)),
                     in_ms(sorted.back()), in_ms(fit.pace), busy ? "; BUSY machine" : "");
}

std::variant<MachineCalibration, int> calibrate_machine(std::uint32_t runs, const std::string& fit_by) {
  stop_kernel_runs_on_signals();
  const std::uint32_t cpus = std::max(1u, std::thread::hardware_concurrency());
  const scenario::LoadResult loaded = scenario::load_string(model::calibration_scenario_text(cpus), "calibrate");
  if (!loaded.ok()) {
    // The text is ours: a failure here is a broken build, not bad input.
    throw std::logic_error("synsim calibrate: the calibration scenario does not load: " +
                           loaded.errors.front().message);
  }
  const scenario::Scenario& sc = *loaded.scenario;

  kernel::KernelOptions options;
  options.capture_packets = false;  // the capture thread slows the loop (reports/load/capture.md)
  options.loader = kernel::LoaderKind::epoll;
  const KernelRuns k = run_on_kernel_repeatedly(sc, runs, options);
  if (k.refused) {
    std::cerr << "synsim calibrate: " << (k.refused->environment ? "this machine cannot run it: " : "")
              << k.refused->what << '\n';
    return k.refused->environment ? kExitEnvironment : kExitBadInput;
  }
  MachineCalibration cal;
  for (const outcome::Outcome& out : k.runs.outcomes) {
    const std::optional<Duration> p = model::closed_loop_pace(out);
    if (!p) {
      std::cerr << "synsim calibrate: a kernel run started fewer than 4,501 connections in "
                << format_duration(sc.duration) << "; this machine is too slow to calibrate with it\n";
      return kExitEnvironment;
    }
    cal.kernel_paces.push_back(*p);
    if (out.info.host) {
      const outcome::HostLoad& h = *out.info.host;
      cal.busy = cal.busy || h.busy();
      cal.run_notes.push_back(fmt::format("loopback cycle {} (across CPUs {}), others' CPU {:.2f}",
                                          in_us(h.loopback_cycle), in_us(h.cross_cpu_cycle),
                                          static_cast<double>(h.other_per_mille()) / 1000));
    }
  }
  if (cal.kernel_paces.size() < runs) {
    std::cerr << "synsim calibrate: interrupted after " << cal.kernel_paces.size() << " kernel runs; nothing fitted\n";
    return kExitInterrupted;
  }
  cal.kernel_split = split_of(k.runs.outcomes);
  if (fit_by == "cpu") return fit_cpu(cal, sc, runs);
  cal.fit = model::fit_cost_scale(median(cal.kernel_paces), [&](std::uint32_t scale) {
    const Duration p = pace_of(model_at(sc, runs, scale, 1000));
    if (scale == 1000) cal.shipped_pace = p;
    return p;
  });
  cal.sets = cost_sets(cal.fit.scale_per_mille);
  cal.model_split = split_of(model_at(sc, runs, cal.fit.scale_per_mille, 1000));
  return cal;
}

int calibrate_command(const CalibrateArgs& args) {
  std::variant<MachineCalibration, int> result = calibrate_machine(args.runs, args.fit);
  if (const int* rc = std::get_if<int>(&result)) return *rc;
  const MachineCalibration& cal = std::get<MachineCalibration>(result);
  const model::CostFit& fit = cal.fit;

  if (args.format == "sets") {
    if (cal.busy || !fit.converged) {
      std::cerr << "synsim calibrate: " << (cal.busy ? "the machine was busy during a kernel run" : "no scale fits")
                << "; no costs printed (run with --format text to see the figures)\n";
      return kExitExpectationFailed;
    }
    std::string line;
    for (const std::string& s : cal.sets) line += (line.empty() ? "" : " ") + s;
    std::cout << line << '\n';
    return kExitOk;
  }

  utsname u{};
  uname(&u);
  std::vector<Duration> sorted = cal.kernel_paces;
  std::sort(sorted.begin(), sorted.end());
  std::cout << "# synsim calibrate: the model's machine costs fitted to this machine's closed-loop pace\n";
  std::cout << fmt::format("machine   {} {}, {}, {} CPUs{}\n", u.sysname, u.release, cpu_model_name(),
                           std::max(1u, std::thread::hardware_concurrency()),
                           cal.busy ? " - BUSY: another process took over a tenth of a CPU; the pace is the load's"
                                    : "");
  for (std::size_t i = 0; i < cal.run_notes.size(); ++i) {
    std::cout << fmt::format("  run {}   {}\n", i + 1, cal.run_notes[i]);
  }
  std::cout << fmt::format(
      "kernel    connect() calls 500 to 4,500 of a closed loop of 64 (RST close, 5-byte request, 100-byte "
      "response, backlog 4,096): {} / {} / {} (min / median / max of {} runs)\n",
      in_ms(sorted.front()), in_ms(median(cal.kernel_paces)), in_ms(sorted.back()), sorted.size());
  if (cal.shipped_pace) {
    std::cout << fmt::format("model     as shipped (machine.costs x1.000): {} (median of seeds 1-{})\n",
                             in_ms(*cal.shipped_pace), args.runs);
  }
  if (cal.split_fit) {
    const model::SplitFit& s = *cal.split_fit;
    std::cout << fmt::format(
        "fitted    machine.costs x{:.3f}: accept and serve x{:.3f} more; loader {}, server {} CPU a connection{}; "
        "the loop's pace there {}\n",
        static_cast<double>(s.scale_per_mille) / 1000, static_cast<double>(s.server_per_mille) / 1000,
        in_us(s.model.loader), in_us(s.model.server),
        s.converged ? "" : " (the closest found: not within 3% of the kernel's, or a factor out of x0.125-x16)",
        in_ms(*cal.split_fit_pace));
  } else {
    std::cout << fmt::format("fitted    machine.costs x{:.3f}: {}{} ({} model paces)\n",
                             static_cast<double>(fit.scale_per_mille) / 1000, in_ms(fit.pace),
                             fit.converged ? "" : ", the closest found: no scale in x0.125-x16 gives the kernel's pace",
                             fit.evaluations);
  }
  // The split the one factor cannot fit (thread_times.h; scripts read the
  // lines above, not these).
  if (cal.kernel_split && cal.model_split) {
    const auto ratio = [](Duration model, Duration kernel) {
      return kernel > Duration{0} ? static_cast<double>(model.count()) / static_cast<double>(kernel.count()) : 0.0;
    };
    std::cout << fmt::format("threads   kernel: {} (median of {} runs)\n", split_text(*cal.kernel_split), args.runs);
    std::cout << fmt::format(
        "threads   model at x{:.3f}: {}; the model's loader x{:.2f} the kernel's CPU a connection, its server x{:.2f}\n",
        static_cast<double>(fit.scale_per_mille) / 1000, split_text(*cal.model_split),
        ratio(cal.model_split->loader.cpu_per_connection, cal.kernel_split->loader.cpu_per_connection),
        ratio(cal.model_split->server.cpu_per_connection, cal.kernel_split->server.cpu_per_connection));
  }
  std::string use;
  for (const std::string& s : cal.sets) use += " --set " + s;
  std::cout << "use      " << use << '\n';
  return cal.busy || !fit.converged ? kExitExpectationFailed : kExitOk;
}

}  // namespace synsim::cli
