// synsim: the command line. Parses arguments (the only place that does)
// and hands over to commands.cc.
#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/explain_command.h"
#include "sim/cli/compare_command.h"
#include "sim/cli/internal_error.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/kernel_command.h"
#include "sim/cli/calibrate_command.h"
#include "sim/cli/kernels_command.h"
#include "sim/cli/vm_side.h"
#include "sim/cli/probe_command.h"
#include "sim/cli/render.h"
#include "sim/cli/sweep_command.h"
#include "sim/cli/terminal_safe.h"
#include "sim/cli/version_info.h"
#include "sim/compare/statistics.h"
#include "sim/vm/image.h"
#include "sim/profile/profile.h"
#include "sim/scenario/values.h"

namespace synsim::cli {
namespace {

// "linux-6.18 (default), linux-2.5.66": the profile table's, never a
// hand-written list that a new profile would leave behind.
std::string profile_names() {
  std::string names;
  for (const profile::Profile& p : profile::profiles()) {
    names += (names.empty() ? "" : ", ") + std::string(p.name);
    if (p.name == profile::default_profile().name) names += " (default)";
  }
  return names;
}

// --kernel PROFILE: an unknown name is refused here, with the known ones,
// rather than as an error in the `kernel=` override it becomes.
CLI::Validator known_profile() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        if (profile::find_profile(name) != nullptr) return {};
        return "unknown kernel profile '" + name + "' (known profiles: " + profile_names() + ")";
      },
      "PROFILE");
}

// --vm PROFILE: only the profiles scripts/vm-image has a Debian kernel for.
CLI::Validator known_vm_profile() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        for (const std::string_view p : vm::vm_profiles()) {
          if (name == p) return {};
        }
        std::string known;
        for (const std::string_view p : vm::vm_profiles()) known += (known.empty() ? "" : ", ") + std::string(p);
        return "no VM image for kernel profile '" + name + "' (scripts/vm-image prepares: " + known + ")";
      },
      "PROFILE");
}

// A number on the command line reads as it does in a scenario or a --set
// (scenario::parse_unsigned / parse_integer: decimal digits, `_` between
// them, a minus sign only where negative values exist), so `--seed -1` is
// refused like `--set seed=-1`; CLI11 alone reads it as 2^64 - 1. The text
// is handed on to CLI11 as plain digits ("10_000" -> "10000").
CLI::Validator whole_number(bool may_be_negative) {
  return CLI::Validator(
      [may_be_negative](std::string& text) -> std::string {
        std::string error;
        if (may_be_negative) {
          const std::optional<std::int64_t> v = scenario::parse_integer(text, &error);
          if (v) text = std::to_string(*v);
          return v ? std::string() : error;
        }
        const std::optional<std::uint64_t> v = scenario::parse_unsigned(text, &error);
        if (v) text = std::to_string(*v);
        return v ? std::string() : error;
      },
      "");
}
CLI::Validator non_negative_integer() { return whole_number(false); }
CLI::Validator integer() { return whole_number(true); }

// One function per subcommand: its options, bound to the command's arguments.
CLI::App* add_run(CLI::App& app, RunArgs& run) {
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario (or a packetdrill script) on the model, in virtual time");
  run_cmd->add_option("file", run.file, "Scenario file (YAML), or a packetdrill script (FILE.pkt)")->required();
  run_cmd->add_option("--seed", run.seed, "Override the scenario's seed")->transform(non_negative_integer());
  run_cmd->footer(exit_codes_help({{kExitOk, "the scenario ran and its expect: hypotheses held"},
                                   {kExitExpectationFailed,
                                    "an expect: hypothesis failed (each said on stderr; the summary, JSON, Markdown "
                                    "and HTML name it too)"},
                                   kHelpBadInput,
                                   kHelpInternal}));
  run_cmd->add_option("--kernel", run.kernel,
                      "The kernel whose rules the model follows, instead of the scenario's kernel: one of " +
                          profile_names())
      ->check(known_profile());
  run_cmd->add_option("--set", run.sets, "Override a scenario key: KEY=VALUE (repeatable)");
  run_cmd->add_option("--format", run.format,
                      "Output: text (timeline + summary), tcpdump, summary, json, perfetto (trace JSON for "
                      "ui.perfetto.dev), html (self-contained report), markdown, netstat (every socket's state, "
                      "Recv-Q and Send-Q as netstat -tan prints them, at --at), pkt (a packetdrill script of "
                      "--connection as its server saw it, for `synsim run FILE.pkt` and `synsim kernel FILE.pkt`)")
      ->check(CLI::IsMember(run_formats()));
  run_cmd->add_option("--connection", run.connection,
                      "With --format pkt: the connection the script is of (x#1); the connections that shared the "
                      "listener's queues with it are further remote peers, those it does not need are folded out");
  run_cmd->add_option("--at", run.at,
                      "With --format netstat: when, as a duration since the run's start (2s, 450ms, 1.5s); "
                      "default: the end of the run");
  run_cmd->add_option("--out", run.out_dir,
                      "Also write every rendering here: timeline.txt, summary.txt, outcome.json, capture.pcap, "
                      "trace.json, report.html, summary.md, scenario.yaml");
  run_cmd->add_option("--seeds", run.seeds,
                      "Run N seeds (from --seed, or the scenario's) and print each judged figure's min, median "
                      "and max over them, as compare --runs N judges them, then the stalls over 190ms and the "
                      "longest (shown, not judged), and each seed's expect: results (JSON)")
      ->transform(non_negative_integer())
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--jobs,-j", run.jobs,
                      "With --seeds: model runs at once (default 1; 0 = one per hardware thread); the output is "
                      "byte-identical whatever J is")
      ->transform(non_negative_integer())
      ->check(CLI::Range(0, 1024));
  return run_cmd;
}

CLI::App* add_kernel(CLI::App& app, KernelArgs& kern) {
  CLI::App* kernel_cmd = app.add_subcommand(
      "kernel", "Run a scenario on this machine's real kernel (private network namespace, real sockets, real time)");
  kernel_cmd->footer(std::string(kernel_command_description()) +
                     "\nThe scenario's kernel: names the model's profile (" + profile_names() +
                     "; `synsim run --kernel`);\nthis command plays the scenario on this machine's kernel, whatever "
                     "kernel: says.\n" +
                     exit_codes_help({{kExitOk, "the scenario ran and its expect: hypotheses held"},
                                      {kExitExpectationFailed,
                                       "an expect: hypothesis failed on the kernel's run (each said on stderr; the "
                                       "summary, JSON, Markdown and HTML name it too)"},
                                      kHelpBadInput,
                                      kHelpInternal,
                                      {kExitEnvironment, "this machine cannot run it (no namespaces, no AF_PACKET, ...)"},
                                      {kExitInterrupted, "interrupted (SIGINT/SIGTERM): what was measured is "
                                                         "printed and written, marked partial (whatever the "
                                                         "expect: results)"}}));
  kernel_cmd->add_option("file", kern.file, "Scenario file (YAML), or a packetdrill script (FILE.pkt: played through a TUN device)")->required();
  kernel_cmd->add_option("--set", kern.sets, "Override a scenario key: KEY=VALUE (repeatable)");
  kernel_cmd->add_option("--format", kern.format,
                         "Output: text (timeline + summary), tcpdump, summary, json, perfetto, html, markdown, netstat "
                         "(every socket of the namespace as netstat -tan lists them when the run ends: sock_diag)")
      ->check(CLI::IsMember(output_formats()));
  kernel_cmd->add_flag("--host-loopback", kern.host_loopback,
                       "No private namespace: use the host's loopback (only when the scenario's sysctls already "
                       "equal the host's; the counters are then the host's)");
  kernel_cmd->add_option("--out", kern.out_dir,
                         "Also write every rendering here: timeline.txt, summary.txt, outcome.json, capture.pcap, "
                         "trace.json, report.html, summary.md, scenario.yaml");
  kernel_cmd->add_flag("--no-capture", kern.no_capture,
                       "No packet capture: connection records and counters only (load runs: the capture thread "
                       "competes with the applications for the CPUs, reports/load/capture.md; the timeline is empty "
                       "and per-connection retransmissions unknown)");
  kernel_cmd->add_option("--port-range", kern.port_range,
                         "net.ipv4.ip_local_port_range in the private namespace, LOW-HIGH (default: the namespace's "
                         "32768-60999, widened to 1024-65535 when the scenario needs more ports)");
  kernel_cmd->add_option("--loader", kern.loader,
                         "The program playing the clients: epoll (a plain epoll loop, what people load servers "
                         "with; refuses defer_final_ack, close.at and wire mode), asio (Boost.Asio, plays everything) "
                         "or auto (default: epoll unless the scenario needs asio)")
      ->check(CLI::IsMember({"auto", "asio", "epoll"}));
  kernel_cmd->add_option("--teardown-limit", kern.teardown_limit,
                         "How long the runner waits for its applications to end after the deadline before it gives "
                         "up on the run (default 2s; the VM's guest takes 30s unless this is given: under emulation on "
                         "a busy machine the teardown took over 7 s)");
  kernel_cmd->add_option("--vm", kern.vm,
                         "Play it on Debian's kernel of this profile (linux-6.1) booted under qemu with software "
                         "emulation, not on this machine's kernel: needs scripts/install-deps --vm and "
                         "scripts/vm-image PROFILE; ~20 s of boot, and timers run late by the emulation's "
                         "slowness (README)")
      ->check(known_vm_profile());
  return kernel_cmd;
}

CLI::App* add_compare(CLI::App& app, CompareArgs& cmp) {
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Run a scenario on the model and on the real kernel, align them and give a verdict");
  compare_cmd->footer("Needs what `synsim kernel` needs, and takes the scenario's duration in real time (not with\n"
                      "--kernel-outcome).\n"
                      "Statistical mode judges what users see (connections whose connect() or whole exchange took\n"
                      "over 1 s, the p99 exchange, completed and unfinished connections, stalls longer than\n"
                      "--stall-threshold) and the listen path's counters: " + synsim::compare::tolerance_rule() + ".\n" +
      exit_codes_help({{kExitOk, "model and kernel agree within tolerance, and the expect: hypotheses held on both"},
                       {kExitExpectationFailed,
                        "they disagree (the disagreements are listed first), or an expect: hypothesis failed on "
                        "any run of either side, even when both agree (the text opens with FAILED; each said on "
                        "stderr: \"expectation failed on the kernel: ...\", with --runs N \"on the kernel (run 2 "
                        "of 3): ...\"); the verdict line tells which"},
                       kHelpBadInput,
                       kHelpInternal,
                       {kExitEnvironment, "this machine cannot run the kernel side"},
                       {kExitInterrupted, "interrupted (SIGINT/SIGTERM) during a kernel run"}}));
  compare_cmd->add_option("file", cmp.file, "Scenario file (YAML)")->required();
  compare_cmd->add_option("--set", cmp.sets, "Override a scenario key: KEY=VALUE (repeatable)");
  compare_cmd->add_option("--out", cmp.out_dir,
                          "Write model/, kernel/, comparison.txt, comparison.json, report.html, summary.md and trace.json here");
  compare_cmd->add_option("--noise-ms", cmp.noise_ms, "Scheduling noise allowed on every time (default 25; 75 with --vm)")
      ->transform(integer());
  compare_cmd->add_option("--mode", cmp.mode,
                          "connections (packet by packet), statistical (stall counts, quantiles, straggler groups) "
                          "or auto (statistical above " + std::to_string(synsim::compare::kStatisticalAboveConnections) +
                              " connections; default)")
      ->check(CLI::IsMember({"auto", "connections", "statistical"}));
  compare_cmd->add_option("--stall-threshold", cmp.stall_threshold,
                          "Statistical mode: judge the count of stalls longer than this (default 1s)");
  compare_cmd->add_option("--kernel-outcome", cmp.kernel_outcomes,
                          "Compare with this saved kernel outcome.json (from synsim kernel --out DIR, or DIR/kernel/ "
                          "of a previous compare) instead of running the kernel; repeatable, one per kernel run. "
                          "An outcome of other settings (another --set) is refused. A capture (pcap, pcapng, "
                          "tcpdump text: read as synsim explain reads it) is compared statistically");
  compare_cmd->add_option("--model-outcome", cmp.model_outcomes,
                          "Judge this saved outcome.json as the model side instead of running the model; "
                          "repeatable, one per seed. A kernel run's outcome judged against another run of the same "
                          "experiment measures the verdict's own noise (scripts/verdict-noise)");
  compare_cmd->add_option("--runs", cmp.runs,
                          "Statistical mode: run the kernel N times and the model with N seeds (the scenario's seed, "
                          "seed+1, ...) and judge the model's median run against the kernel's range (default 1, or "
                          "one per --kernel-outcome)")
      ->transform(non_negative_integer())
      ->check(CLI::Range(1, 20));
  compare_cmd->add_option("--jobs,-j", cmp.jobs,
                          "Model seeds at once (default 1; 0 = one per hardware thread); they run before the "
                          "kernel's runs, never beside them, and the verdict is the same whatever J is")
      ->transform(non_negative_integer())
      ->check(CLI::Range(0, 1024));
  compare_cmd->add_option("--format", cmp.format,
                          "text (default) or json (the statistical table and the verdict, machine-readable)")
      ->check(CLI::IsMember({"text", "json"}));
  compare_cmd->add_flag("--capture", cmp.capture,
                        "Statistical mode: capture the kernel side's packets too (off by default: on a 2-CPU "
                        "machine the capture thread changes how many SYNs a load run drops, reports/load/capture.md)");
  compare_cmd->add_flag("--calibrate", cmp.calibrate,
                        "Fit the model's machine.costs to this machine first (synsim calibrate: a closed loop, "
                        "3 kernel runs) and judge the model so calibrated; the factor opens the report. Not with "
                        "--kernel-outcome: saved runs were measured on the machine as it was then");
  compare_cmd->add_option("--loader", cmp.loader,
                          "The kernel side's client program: auto (default: epoll unless the scenario needs "
                          "asio), epoll (a plain epoll loop) or asio (Boost.Asio)")
      ->check(CLI::IsMember({"auto", "asio", "epoll"}));
  compare_cmd->add_option("--vm", cmp.vm,
                          "The kernel side on Debian's kernel of this profile under qemu (synsim kernel --vm), "
                          "all --runs in one boot; the scenario must name that profile (--set kernel=PROFILE)")
      ->check(known_vm_profile());
  // Under emulation the applications' first milliseconds run late (vm_side.h).
  compare_cmd->parse_complete_callback([&cmp, compare_cmd] {
    if (!cmp.vm.empty() && compare_cmd->get_option("--noise-ms")->count() == 0) cmp.noise_ms = kVmNoiseMs;
  });
  return compare_cmd;
}

CLI::App* add_check(CLI::App& app, std::vector<std::string>& check_files, std::vector<std::string>& check_sets) {
  CLI::App* check_cmd = app.add_subcommand("check", "Validate scenario files without running them");
  check_cmd->footer(exit_codes_help({{kExitOk, "every file is a valid scenario"},
                                     {kExitBadInput, "bad input: some file is not (each problem said as "
                                                     "FILE:LINE:COL: message)"},
                                     kHelpInternal}));
  check_cmd->add_option("files", check_files, "Scenario files")->required();
  check_cmd->add_option("--set", check_sets, "Override a scenario key in every file: KEY=VALUE (repeatable), as run does");
  return check_cmd;
}

CLI::App* add_sweep(CLI::App& app, SweepArgs& sweep) {
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Run a scenario over a grid of --set values x seeds on the model; one JSON line per run");
  sweep_cmd->footer("Runs are numbered grid point x seed (the first --grid key changes slowest); seed number k runs\n"
                    "with the scenario's seed + k - 1. --shard I/N runs the indices i with i mod N = I - 1, so the\n"
                    "outputs of shards 1..N concatenate to the whole sweep.\n"
                    "Metrics for --metric: " + sweep_metric_help() + "\n" +
                    exit_codes_help({{kExitOk, "every run done (a failed expect: is data in its line)"},
                                     kHelpBadInput,
                                     {kExitInvariant, "a model invariant broke in some run"}}));
  sweep_cmd->add_option("file", sweep.file, "Scenario file (YAML)")->required();
  sweep_cmd->add_option("--grid", sweep.grids, "KEY=V1,V2,...: a scenario key (as for --set) and its values (repeatable)");
  sweep_cmd->add_option("--seeds", sweep.seeds, "Seeds per grid point (default 1)")->transform(non_negative_integer());
  sweep_cmd->add_option("--shard", sweep.shard, "I/N: run only the I-th of N round-robin slices (1-based)");
  sweep_cmd->add_option("--jobs,-j", sweep.jobs, "Model runs at once (default 1; 0 = one per hardware thread)")
      ->transform(non_negative_integer());
  sweep_cmd->add_option("--set", sweep.sets, "Override a scenario key for every run: KEY=VALUE (repeatable)");
  sweep_cmd->add_option("--out", sweep.out, "Write the JSON lines here (via FILE.tmp) instead of stdout");
  sweep_cmd->add_option("--html", sweep.html, "Also write a heat map of these runs (self-contained HTML)");
  sweep_cmd->add_option("--markdown", sweep.markdown,
                        "Also write these runs side by side as a Markdown table, one row a run (- : on stdout, "
                        "with --out for the JSON lines): with --grid kernel=..., one scenario on each profile");
  sweep_cmd->add_option("--metric", sweep.metric, "What --html shows and --markdown adds as a column (default slow_fraction: connections over 1 s from connect() call to response)");
  return sweep_cmd;
}

CLI::App* add_sweep_report(CLI::App& app, SweepReportArgs& sweep_report) {
  CLI::App* sweep_report_cmd = app.add_subcommand(
      "sweep-report", "Draw the heat map of sweep outputs (JSON lines, e.g. concatenated shards) as HTML");
  sweep_report_cmd->footer("Metrics: " + sweep_metric_help() + "\n" +
                           exit_codes_help({{kExitOk, "the page was written"},
                                            {kExitBadInput, "bad input or usage (a file that is not synsim sweep's "
                                                            "JSON lines, FILE:LINE: message)"},
                                            kHelpInternal}));
  sweep_report_cmd->add_option("files", sweep_report.files, "JSON-lines files written by synsim sweep")->required();
  sweep_report_cmd->add_option("--html", sweep_report.html, "The page to write")->required();
  sweep_report_cmd->add_option("--metric", sweep_report.metric, "What to show (default slow_fraction: connections over 1 s from connect() call to response)");
  return sweep_report_cmd;
}

CLI::App* add_sweep_merge(CLI::App& app, SweepMergeArgs& merge) {
  CLI::App* cmd = app.add_subcommand(
      "sweep-merge", "Merge the outputs of a sharded sweep (--shard I/N) into the file one unsharded sweep writes");
  cmd->footer("The lines come out in run-index order, byte-identical to `synsim sweep` without --shard. The files\n"
              "must be one whole sweep: the same scenario and grid keys, every index once (a run given twice\n"
              "with the same content is kept once, with a warning), none missing.\n" +
              exit_codes_help({{kExitOk, "merged"},
                               {kExitBadInput, "bad input (FILE:LINE: message; a missing run, another sweep, a "
                                               "run given twice with different content)"},
                               kHelpInternal}));
  cmd->add_option("files", merge.files, "JSON-lines files written by synsim sweep --shard, in any order")->required();
  cmd->add_option("--out", merge.out, "Write the merged lines here (via FILE.tmp) instead of stdout");
  return cmd;
}

CLI::App* add_explain(CLI::App& app, ExplainArgs& ex) {
  CLI::App* cmd = app.add_subcommand("explain", "Explain each connection of a real capture (pcap, pcapng or tcpdump text)");
  cmd->footer(std::string(explain_command_description()) +
              exit_codes_help({{kExitOk, "the capture was read and explained"},
                               {kExitBadInput, "bad input or usage: a truncated or corrupt capture (FILE: packet N: "
                                               "what), a bad tcpdump line (FILE:LINE:COL: what), no TCP in it"},
                               kHelpInternal}));
  cmd->add_option("file", ex.file, "Capture file: pcap, pcapng, or the text tcpdump printed")->required();
  cmd->add_option("--server", ex.server,
                  "The listening side, ADDR:PORT ([ADDR]:PORT for IPv6); default: every port that answered a SYN");
  cmd->add_option("--format", ex.format,
                  "Output: summary (default: stories, latency, deduced counters), text (timeline + summary), "
                  "tcpdump, json, perfetto, html, markdown")
      ->check(CLI::IsMember(output_formats()));
  cmd->add_option("--scenario", ex.scenario,
                  "Also write the scenario the capture implies (arrivals, scripts, backlog, accept behaviour; each "
                  "inference a comment) to this YAML file (written whole or not at all)");
  cmd->add_option("--out", ex.out_dir,
                  "Also write every rendering here, as run --out does: timeline.txt, summary.txt, outcome.json, "
                  "capture.pcap (the packets as read), trace.json, report.html, summary.md, and scenario.yaml (the "
                  "scenario the capture implies); all or nothing, never over files synsim did not write");
  cmd->add_flag("--remedies", ex.remedies,
                "Play that scenario on the model under each usual remedy and rank them by what users see, each with "
                "its cost (a table after the text output; a section of --format html)");
  return cmd;
}

CLI::App* add_probe(CLI::App& app, ProbeArgs& probe) {
  CLI::App* probe_cmd = app.add_subcommand(
      "probe", "Measure this machine's scheduling figures that the model takes as input (no namespace needed)");
  probe_cmd->footer(exit_codes_help({{kExitOk, "measured"},
                                     {kExitBadInput, "bad usage"},
                                     kHelpInternal,
                                     {kExitEnvironment, "this machine cannot measure it"}}));
  probe_cmd->add_option("what", probe.what, "wakeup: a sleeping thread's wakeup latency against how long it slept")
      ->check(CLI::IsMember({"wakeup"}));
  probe_cmd->add_option("--samples", probe.samples, "Wakeups per idle time (default 50; fewer for long idle times)")
      ->transform(non_negative_integer())
      ->check(CLI::Range(1, 100000));
  probe_cmd->add_option("--limit", probe.limit_s, "Stop after this many seconds of wall time (default 60)")
      ->check(CLI::Range(0.1, 3600.0));
  probe_cmd->add_option("--idle", probe.idle_ms, "Idle times to probe, in ms (default 0.02,0.1,1,10,100,1000)")
      ->delimiter(',')
      ->check(CLI::Range(0.001, 10000.0));
  probe_cmd->add_option("--busy", probe.busy_us,
                        "How long (us) the waking thread stays busy after each wakeup, as a loader does (default 500)")
      ->check(CLI::Range(0.0, 100000.0));
  return probe_cmd;
}

CLI::App* add_calibrate(CLI::App& app, CalibrateArgs& cal) {
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "Fit the model's machine costs to this machine: a closed loop run on the kernel and on the model");
  cmd->footer(
      "Runs a closed loop of 64 connections (6,000 of them, RST close, backlog 4,096) on this machine's kernel, "
      "in a private network namespace, --runs times, and finds the one factor on every machine.costs entry that "
      "gives the model the kernel's median pace (the 500th to the 4,500th connect() call); with --fit cpu, the "
      "factors that give the model's loader and server threads the kernel's CPU a connection instead. Prints the "
      "--set arguments that make a scenario's model this machine's (--format sets: those alone, for scripts).\n" +
      exit_codes_help({{kExitOk, "measured and fitted"},
                       {kExitExpectationFailed, "measured on a busy machine, or no factor in x0.125-x16 fits "
                                                "(the figures are printed; --format sets prints nothing)"},
                       kHelpBadInput,
                       kHelpInternal,
                       {kExitEnvironment, "this machine cannot run the kernel side"},
                       {kExitInterrupted, "interrupted (SIGINT/SIGTERM): nothing fitted"}}));
  cmd->add_option("--runs", cal.runs, "Kernel runs, and model seeds per factor tried (default 3)")
      ->transform(non_negative_integer())
      ->check(CLI::Range(1, 10));
  cmd->add_option("--format", cal.format, "text (default): the figures and the --set arguments; sets: the "
                                          "--set values alone, space-separated")
      ->check(CLI::IsMember({"text", "sets"}));
  cmd->add_option("--fit", cal.fit, "pace (default): one factor on every cost, fitted to the loop's pace; cpu: "
                                    "one factor on every cost fitted to the loader threads' CPU a connection, and "
                                    "one more on accept and serve fitted to the server's (the threads' own time, "
                                    "which another process on the machine moves less than the pace)")
      ->check(CLI::IsMember({"pace", "cpu"}));
  return cmd;
}

CLI::App* add_kernels(CLI::App& app, KernelsArgs& k) {
  CLI::App* cmd = app.add_subcommand(
      "kernels", "List the kernel profiles (HZ, TCP_TIMEOUT_INIT, sysctl defaults); 'diff A B': the rules and "
                 "defaults on which two differ, with their citations");
  cmd->footer("Profiles: " + profile_names() + "\n" +
              exit_codes_help({{kExitOk, "listed"}, {kExitBadInput, "bad usage: an unknown profile, or words other than 'diff A B'"},
                               kHelpInternal}));
  cmd->add_option("words", k.words, "Nothing, or: diff PROFILE PROFILE")->expected(0, 3);
  return cmd;
}

// `synsim foo` (or `synsim` alone): CLI11 says only "A subcommand is
// required"; say the word that is not a command and which commands there
// are. True when refused (said on stderr).
bool refused_unknown_command(const CLI::App& app, int argc, char** argv) {
  std::string commands;
  bool known = false;
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>())) {
    commands += (commands.empty() ? "" : ", ") + sub->get_name();
    if (argc > 1 && sub->check_name(argv[1])) known = true;
  }
  if (argc > 1 && (known || argv[1][0] == '-')) return false;
  std::cerr << (argc > 1 ? "synsim: unknown command '" + std::string(argv[1]) + "'" : std::string("synsim: no command"))
            << "; commands: " << commands << "\nRun with --help for more information.\n";
  return true;
}

std::string joined(const std::vector<std::string>& files) {
  std::string s;
  for (const std::string& f : files) s += (s.empty() ? "" : " ") + f;
  return s;
}

// sweep-report and sweep-merge: the commands that read a sweep's output.
struct SweepFileCommands {
  SweepReportArgs report;
  SweepMergeArgs merge;
  CLI::App* report_cmd = nullptr;
  CLI::App* merge_cmd = nullptr;

  void add(CLI::App& app) {
    report_cmd = add_sweep_report(app, report);
    merge_cmd = add_sweep_merge(app, merge);
  }
  // The chosen command's exit code; nullopt when neither was chosen.
  std::optional<int> dispatch() {
    if (*report_cmd) {
      return exit_on_internal_error({"sweep-report", joined(report.files) + " --html " + report.html, {}, {}, false},
                                    [&] { return sweep_report_command(report); }, std::cerr);
    }
    if (*merge_cmd) {
      return exit_on_internal_error({"sweep-merge", joined(merge.files), {}, {}, false},
                                    [&] { return sweep_merge_command(merge); }, std::cerr);
    }
    return std::nullopt;
  }
};

}  // namespace
}  // namespace synsim::cli

int main(int argc, char** argv) {
  using namespace synsim::cli;
  // Every message on stderr quotes what it was given (file names, option
  // values, scenario text) with control bytes escaped (terminal_safe.h).
  const TerminalSafeStderr safe_stderr;
  CLI::App app{"synsim: a deterministic model of Linux loopback TCP connection setup "
               "(SYN queue, accept queue, SYN-ACK and data retransmission timers)"};
  app.require_subcommand(1);
  app.footer(exit_codes_help({{kExitOk, "success"},
                              {kExitExpectationFailed, "an expect: hypothesis failed, or compare: model and kernel "
                                                       "disagree"},
                              kHelpBadInput,
                              kHelpInternal,
                              {kExitEnvironment, "this machine cannot run it (kernel, compare, probe)"},
                              {kExitInterrupted, "a kernel run was interrupted (SIGINT/SIGTERM)"}}) +
             "Each command's --help lists its own.\n");
  app.set_version_flag("--version", version_text(), "Print the version and the git revision synsim was built from");

  RunArgs run;
  CLI::App* run_cmd = add_run(app, run);
  KernelArgs kern;
  CLI::App* kernel_cmd = add_kernel(app, kern);
  CompareArgs cmp;
  CLI::App* compare_cmd = add_compare(app, cmp);
  std::vector<std::string> check_files;
  std::vector<std::string> check_sets;
  CLI::App* check_cmd = add_check(app, check_files, check_sets);
  SweepArgs sweep;
  CLI::App* sweep_cmd = add_sweep(app, sweep);
  SweepFileCommands sweep_files;
  sweep_files.add(app);
  ProbeArgs probe;
  CLI::App* probe_cmd = add_probe(app, probe);
  ExplainArgs explain;
  CLI::App* explain_cmd = add_explain(app, explain);
  CalibrateArgs calibrate;
  CLI::App* calibrate_cmd = add_calibrate(app, calibrate);
  KernelsArgs kernels;
  CLI::App* kernels_cmd = add_kernels(app, kernels);
  if (refused_unknown_command(app, argc, argv)) return kExitBadInput;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  // An exception that escapes a command is an internal error: exit 3 with
  // the scenario and seed that reproduce it (internal_error.h).
  auto guarded = [](const Reproducer& r, const std::function<int()>& command) {
    return exit_on_internal_error(r, command, std::cerr);
  };
  std::vector<std::string> run_sets = run.sets;
  if (run.kernel) run_sets.push_back("kernel=" + *run.kernel);
  if (*run_cmd) return guarded({"run", run.file, run_sets, run.seed}, [&] { return run_command(run); });
  if (*check_cmd) {
    return guarded({"check", joined(check_files), check_sets, {}, false},
                   [&] { return check_command(check_files, check_sets); });
  }
  if (*kernel_cmd) return guarded({"kernel", kern.file, kern.sets, {}}, [&] { return kernel_command(kern); });
  if (*compare_cmd) return guarded({"compare", cmp.file, cmp.sets, {}}, [&] { return compare_command(cmp); });
  if (*sweep_cmd) return guarded({"sweep", sweep.file, sweep.sets, {}}, [&] { return sweep_command(sweep); });
  if (*explain_cmd) return guarded({"explain", explain.file, {}, {}, false}, [&] { return explain_command(explain); });
  if (*calibrate_cmd) {
    return guarded({"calibrate", "", {}, {}, false}, [&] { return calibrate_command(calibrate); });
  }
  if (*kernels_cmd) return guarded({"kernels", "", {}, {}, false}, [&] { return kernels_command(kernels); });
  if (*probe_cmd) return guarded({"probe", probe.what, {}, {}, false}, [&] { return probe_command(probe); });
  if (const std::optional<int> rc = sweep_files.dispatch()) return *rc;
  return kExitBadInput;
}
