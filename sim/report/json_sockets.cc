// The outcome JSON's per-connection socket series (json.h "sockets").
#include <string>
#include <vector>

#include "sim/report/json_parts.h"

namespace synsim::report::detail {

namespace {

// `server`: the server side's samples also say whether the child was accepted.
Json series_json(const std::vector<outcome::SocketSample>& series, bool server) {
  Json out = Json::array();
  for (const outcome::SocketSample& s : series) {
    Json j = Json::object({{"time_ns", to_ns(s.time)}, {"state", outcome::netstat_name(s.view.state)}});
    if (server) j["accepted"] = s.view.accepted;
    j["recv_q"] = s.view.recv_q;
    j["send_q"] = s.view.send_q;
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<outcome::SocketSample> series_from(const Reader& sockets, std::string_view side) {
  std::vector<outcome::SocketSample> out;
  const Json& samples = sockets.array(side);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Reader s(samples.elements()[i], fmt::format("{}[{}]", sockets.child(side), i));
    outcome::SocketSample sample;
    sample.time = at_ns(s.integer<std::int64_t>("time_ns"));
    const std::string state = s.str("state");
    const std::optional<outcome::TcpState> st = outcome::tcp_state_from(state);
    if (!st) s.fail("state", fmt::format("unknown TCP state '{}' (expected a netstat name: ESTABLISHED...)", state));
    sample.view.state = *st;
    sample.view.accepted = s.has("accepted") && s.boolean("accepted");
    sample.view.recv_q = s.integer<std::uint32_t>("recv_q");
    sample.view.send_q = s.integer<std::uint32_t>("send_q");
    if (!out.empty() && sample.time < out.back().time) s.fail("time_ns", "samples must be in time order");
    out.push_back(sample);
  }
  return out;
}

}  // namespace

Json sockets_json(const outcome::ConnectionSockets& sockets) {
  return Json::object({{"client", series_json(sockets.client, false)}, {"server", series_json(sockets.server, true)}});
}

outcome::ConnectionSockets sockets_from(const Reader& connection) {
  outcome::ConnectionSockets out;
  if (!connection.has("sockets")) return out;
  const Reader sockets = connection.object("sockets");
  out.client = series_from(sockets, "client");
  out.server = series_from(sockets, "server");
  return out;
}

}  // namespace synsim::report::detail
