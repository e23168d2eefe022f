#include "sim/outcome/sockets.h"

#include <algorithm>
#include <array>

#include "sim/outcome/outcome.h"

namespace synsim::outcome {

namespace {

constexpr std::array<TcpState, 11> kStates = {
    TcpState::established, TcpState::syn_sent,   TcpState::syn_recv, TcpState::fin_wait1,
    TcpState::fin_wait2,   TcpState::time_wait,  TcpState::close,    TcpState::close_wait,
    TcpState::last_ack,    TcpState::listen,     TcpState::closing,
};

// The listener's accept queue at `t`: its last sample at or before t.
std::uint32_t accept_queue_at(const std::vector<QueueSample>& queues, Time t) {
  const auto after = std::upper_bound(queues.begin(), queues.end(), t,
                                      [](Time when, const QueueSample& q) { return when < q.time; });
  if (after == queues.begin()) return 0;
  return static_cast<std::uint32_t>(std::prev(after)->accept_queue);
}

}  // namespace

const char* netstat_name(TcpState s) {
  switch (s) {
    case TcpState::established: return "ESTABLISHED";
    case TcpState::syn_sent: return "SYN_SENT";
    case TcpState::syn_recv: return "SYN_RECV";
    case TcpState::fin_wait1: return "FIN_WAIT1";
    case TcpState::fin_wait2: return "FIN_WAIT2";
    case TcpState::time_wait: return "TIME_WAIT";
    case TcpState::close: return "CLOSE";
    case TcpState::close_wait: return "CLOSE_WAIT";
    case TcpState::last_ack: return "LAST_ACK";
    case TcpState::listen: return "LISTEN";
    case TcpState::closing: return "CLOSING";
  }
  return "?";
}

std::optional<TcpState> tcp_state_from(std::string_view name) {
  for (const TcpState s : kStates) {
    if (name == netstat_name(s)) return s;
  }
  return std::nullopt;
}

std::optional<SocketView> socket_at(const std::vector<SocketSample>& series, Time t) {
  const auto after = std::upper_bound(series.begin(), series.end(), t,
                                      [](Time when, const SocketSample& s) { return when < s.time; });
  if (after == series.begin()) return std::nullopt;
  const SocketView& v = std::prev(after)->view;
  if (v.state == TcpState::close) return std::nullopt;
  return v;
}

std::optional<WaitingSockets> longest_while_waiting(const ConnectionRecord& r, Time until) {
  if (!r.first_data_sent || *r.first_data_sent >= until || r.sockets.client.empty()) return std::nullopt;
  // Where either view may change, within the wait.
  std::vector<Time> changes = {*r.first_data_sent, until};
  for (const std::vector<SocketSample>* series : {&r.sockets.client, &r.sockets.server}) {
    for (const SocketSample& s : *series) {
      if (s.time > *r.first_data_sent && s.time < until) changes.push_back(s.time);
    }
  }
  std::sort(changes.begin(), changes.end());
  changes.erase(std::unique(changes.begin(), changes.end()), changes.end());
  std::optional<WaitingSockets> best;
  for (std::size_t i = 0; i + 1 < changes.size(); ++i) {
    if (best && changes[i + 1] - changes[i] <= best->until - best->from) continue;
    const Time t = changes[i];
    best = WaitingSockets{socket_at(r.sockets.client, t).value_or(SocketView{}),
                          socket_at(r.sockets.server, t).value_or(SocketView{}), t, changes[i + 1]};
  }
  return best;
}

std::vector<ListedSocket> listed_sockets(const Outcome& out, Time t) {
  std::vector<ListedSocket> lines;
  ListedSocket listener;
  listener.local_port = out.info.server_port;
  listener.view.state = TcpState::listen;
  listener.view.recv_q = accept_queue_at(out.queues, t);
  lines.push_back(listener);

  std::vector<const ConnectionRecord*> by_port;
  by_port.reserve(out.connections.size());
  for (const ConnectionRecord& r : out.connections) by_port.push_back(&r);
  std::stable_sort(by_port.begin(), by_port.end(),
                   [](const ConnectionRecord* a, const ConnectionRecord* b) { return a->client_port < b->client_port; });
  for (const ConnectionRecord* r : by_port) {
    if (const std::optional<SocketView> v = socket_at(r->sockets.client, t)) {
      lines.push_back(ListedSocket{ListedSide::client, r->name, r->client_port, out.info.server_port, *v});
    }
    if (const std::optional<SocketView> v = socket_at(r->sockets.server, t)) {
      lines.push_back(ListedSocket{ListedSide::server, r->name, out.info.server_port, r->client_port, *v});
    }
  }
  return lines;
}

}  // namespace synsim::outcome
