#include "sim/cli/explain_command.h"

#include <iostream>

#include <fmt/format.h>

#include "sim/capture/explain.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/render.h"

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

}  // namespace

const char* explain_command_description() {
  return "Reads a capture (pcap or pcapng: loopback/NULL, Ethernet, Linux SLL and SLL2; IPv4 and IPv6; or the text\n"
         "of tcpdump -n, -tt, -ttt, -S, today's `Flags [S.]` form or the 2003 form `S 1:1(0)`), finds the server\n"
         "(the port that answered SYNs, or --server) and explains each connection with the reasons `synsim run`\n"
         "gives: SYNs dropped, the final ACK dropped on a full accept queue with the request kept acked, syncookies,\n"
         "tcp_abort_on_overflow resets, requests expired after tcp_synack_retries, data retransmissions and their\n"
         "backoff. What the capture implies carries a confidence. Lines and packets that are not TCP are said on\n"
         "stderr and skipped.\n";
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
  std::cout << render_format(args.format, out, "");
  return kExitOk;
}

}  // namespace synsim::cli
