#include "sim/cli/explain_command.h"

#include <iostream>

#include <fmt/format.h>

#include "sim/capture/derive.h"
#include "sim/capture/explain.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/remedies.h"
#include "sim/cli/render.h"
#include "sim/cli/session.h"
#include "sim/report/html.h"
#include "sim/scenario/load.h"
#include "sim/scenario/write.h"

namespace synsim::cli {

namespace {

// What was skipped is said, never dropped silently: the first ones each on
// a line, then how many more.
constexpr std::size_t kSkippedShown = 10;

void say_skipped(const capture::Input& in) {
  for (std::size_t i = 0; i < in.skipped.size() && i < kSkippedShown; ++i) {
    std::cerr << in.skipped[i].where << ": skipped: " << in.skipped[i].why << '\n';
  }
  if (in.skipped.size() > kSkippedShown) {
    std::cerr << fmt::format("{}: {} more skipped ({} in all)\n", in.name, in.skipped.size() - kSkippedShown,
                             in.skipped.size());
  }
}

// The scenario the capture implies, as YAML, checked by loading it back:
// a scenario the loader would refuse is synsim's mistake, not the user's.
std::string derived_yaml(const outcome::Outcome& out, const std::string& capture_file, const std::string& path) {
  const capture::DerivedScenario d = capture::derive_scenario(out, capture::scenario_name_for(capture_file));
  std::string yaml = scenario::write_yaml(d.scenario, d.comments);
  const scenario::LoadResult back = scenario::load_string(yaml, path);
  if (!back.ok()) {
    throw std::logic_error("the derived scenario does not load: " + back.errors.front().str());
  }
  return yaml;
}

}  // namespace

const char* explain_command_description() {
  return "Reads a capture (pcap or pcapng: loopback/NULL, Ethernet, Linux SLL and SLL2; IPv4 and IPv6; or the text\n"
         "of tcpdump -n, -tt, -ttt, -S, today's `Flags [S.]` form or the 2003 form `S 1:1(0)`), finds the server\n"
         "(the port that answered SYNs, or --server) and explains each connection with the reasons `synsim run`\n"
         "gives: SYNs dropped, the final ACK dropped on a full accept queue with the request kept acked, syncookies,\n"
         "tcp_abort_on_overflow resets, requests expired after tcp_synack_retries, data retransmissions and their\n"
         "backoff. What the capture implies carries a confidence. Lines and packets that are not TCP are said on\n"
         "stderr and skipped.\n"
         "--scenario OUT.yaml writes the scenario the capture implies: its arrivals (a closed loop, a burst, a\n"
         "rate, or each connection at its time), what its clients and server sent, the accept queue's limit from\n"
         "the retransmission bursts or the overflows, when and how fast the application accepted, and the\n"
         "sysctls its reasons imply, each inference written as a comment beside its key.\n"
         "--remedies plays that scenario on the model under the remedies people reach for (a larger backlog and\n"
         "somaxconn, accept until EAGAIN, more server threads, tcp_abort_on_overflow=1, tcp_syncookies 0/1/2, a\n"
         "2 ms delay between connect() and send(), a shorter connect timeout: tcp_syn_retries=2) and ranks them by\n"
         "what users see: connections over 1 s or failed, then p99 total latency, then errors; each with its cost.\n"
         "The table ends the text formats and is a section of --format html.\n"
         "--out DIR writes every rendering of the explained capture into DIR, as `synsim run --out` does, with the\n"
         "derived scenario as DIR/scenario.yaml.\n";
}

int explain_command(const ExplainArgs& args) {
  capture::ExplainOptions options;
  if (args.server) {
    std::string error;
    options.server = capture::parse_server(*args.server, error);
    if (!options.server) {
      std::cerr << "--server: " << error << '\n';
      return kExitBadInput;
    }
  }
  outcome::Outcome out;
  try {
    capture::Input in = capture::read_capture_file(args.file);
    out = capture::explain(in, options);
    say_skipped(in);
  } catch (const capture::InputError& e) {
    std::cerr << e.what() << '\n';
    return kExitBadInput;
  }
  std::string yaml;
  if (args.scenario || args.remedies || args.out_dir) {
    yaml = derived_yaml(out, args.file, args.scenario.value_or("derived.yaml"));
  }
  if (args.scenario) {
    if (!write_file(*args.scenario, yaml)) return kExitBadInput;
    std::cerr << "explain: wrote " << *args.scenario << " (synsim run " << *args.scenario << " plays it)\n";
  }
  // The directory's scenario.yaml is the derived scenario: `synsim run
  // DIR/scenario.yaml` plays what the capture implies.
  if (args.out_dir && !write_run_dir(*args.out_dir, out, yaml)) return kExitBadInput;
  std::vector<report::RemedyRow> remedies;
  if (args.remedies) remedies = play_remedies(yaml, args.scenario.value_or("derived.yaml"));
  if (args.format == "html") {
    report::HtmlReport r;
    r.model = &out;
    r.scenario_text = yaml;
    r.remedies = remedies;
    std::cout << report::render_html(r);
    return kExitOk;
  }
  std::cout << render_format(args.format, out, yaml);
  if (args.remedies) {
    // Text formats end with the table; a JSON or trace stays one document,
    // the table going to stderr.
    const bool text = args.format == "summary" || args.format == "text" || args.format == "tcpdump" ||
                      args.format == "markdown";
    (text ? std::cout : std::cerr) << '\n'
                                   << report::render_remedies_text(remedies, capture::scenario_name_for(args.file));
  }
  return kExitOk;
}

}  // namespace synsim::cli
