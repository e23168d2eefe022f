#include "sim/cli/explain_command.h"

#include <iostream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "sim/capture/derive.h"
#include "sim/capture/explain.h"
#include "sim/capture/stream.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/remedies.h"
#include "sim/cli/render.h"
#include "sim/cli/session.h"
#include "sim/report/html.h"
#include "sim/report/tables.h"
#include "sim/scenario/load.h"
#include "sim/scenario/write.h"

namespace synsim::cli {

namespace {

// What was skipped is said, never dropped silently: the first ones each on
// a line, then how many more.
constexpr std::size_t kSkippedShown = 10;

static_assert(kSkippedShown <= capture::kSkippedKept);

void say_skipped(const std::vector<capture::Skipped>& skipped, std::size_t count, const std::string& name) {
  for (std::size_t i = 0; i < skipped.size() && i < kSkippedShown; ++i) {
    std::cerr << skipped[i].where << ": skipped: " << skipped[i].why << '\n';
  }
  if (count > kSkippedShown) {
    std::cerr << fmt::format("{}: {} more skipped ({} in all)\n", name, count - kSkippedShown, count);
  }
}

// The summary reads every connection's record but no packet: it is the one
// rendering made from a capture explained as a stream (capture/stream.h:
// memory bounded by the connections open at once). Every other format, and
// --scenario, --remedies, --out, read the packets: the capture is held.
bool streams(const ExplainArgs& args) {
  return args.format == "summary" && !args.scenario && !args.remedies && !args.out_dir;
}

// Nothing reaches stdout before the whole capture is read: bad input found
// at its last packet still leaves no half-written summary. nullopt: the
// capture cannot be streamed with explain()'s answers (read it whole).
std::optional<int> explain_streamed(const ExplainArgs& args, const capture::ExplainOptions& options) {
  try {
    const capture::StreamedExplanation s = capture::explain_stream_file(args.file, options);
    say_skipped(s.skipped, s.skipped_count, args.file);
    std::cout << report::render_summary(s.kept, s.connections, s.latencies);
    return kExitOk;
  } catch (const capture::NotStreamable&) {
    return std::nullopt;
  } catch (const capture::InputError& e) {
    std::cerr << e.what() << '\n';
    return kExitBadInput;
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
         "derived scenario as DIR/scenario.yaml.\n"
         "The default --format summary, without --scenario, --remedies or --out, reads a pcap or pcapng file as a\n"
         "stream: memory bounded by the connections open at once, not by the packets (a connection is explained\n"
         "and freed once it has closed or been silent past the kernel's longest retransmission backoff). Every\n"
         "other format (text, tcpdump, json, perfetto, html, markdown, netstat) and those options read every\n"
         "packet or every record and hold the capture in memory, as does a capture out of time order or one with a\n"
         "segment after its connection was explained (the summary then reads it in memory: the same answers).\n";
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
  if (streams(args)) {
    if (const std::optional<int> rc = explain_streamed(args, options)) return *rc;
  }
  outcome::Outcome out;
  try {
    capture::Input in = capture::read_capture_file(args.file);
    out = capture::explain(in, options);
    say_skipped(in.skipped, in.skipped.size(), in.name);
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
