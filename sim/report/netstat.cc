#include "sim/report/netstat.h"

#include <fmt/format.h>

namespace synsim::report {

namespace {

std::string address(const std::string& host, std::uint16_t port) {
  return port == 0 ? host + ":*" : fmt::format("{}:{}", host, port);
}

std::string owner(const outcome::ListedSocket& s) {
  switch (s.side) {
    case outcome::ListedSide::listener: return "listener";
    case outcome::ListedSide::client: return fmt::format("{} client", s.connection);
    case outcome::ListedSide::server: return fmt::format("{} server", s.connection);
  }
  return "?";
}

}  // namespace

std::string render_netstat(const outcome::Outcome& outcome, Time at) {
  const outcome::RunInfo& info = outcome.info;
  std::string out = fmt::format("# {} on {} ({}), seed {}: netstat -tan at {} s\n", info.scenario, info.kernel,
                                info.source, info.seed, format_seconds(at));
  out += "Active Internet connections (servers and established)\n";
  out += "Proto Recv-Q Send-Q Local Address           Foreign Address         State       Connection\n";
  for (const outcome::ListedSocket& s : outcome::listed_sockets(outcome, at)) {
    // A listener's foreign address is 0.0.0.0:* (rem_address 00000000:0000).
    const bool listener = s.side == outcome::ListedSide::listener;
    const std::string local = address(info.server_address, s.local_port);
    const std::string foreign = address(listener ? "0.0.0.0" : info.server_address, s.foreign_port);
    out += fmt::format("{:<4}  {:>6} {:>6} {:<23} {:<23} {:<11} {}\n", "tcp", s.view.recv_q, s.view.send_q, local,
                       foreign, outcome::netstat_name(s.view.state), owner(s));
  }
  return out;
}

}  // namespace synsim::report
