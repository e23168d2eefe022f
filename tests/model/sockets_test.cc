// Each connection's sockets as netstat lists them (sim/outcome/sockets.h,
// sim/tcp/diag.h): the 2003 report's own reading of its stall ("netstat
// shows Recv-Q=0 for the server socket, and Send-Q=N for the client
// socket"), and the states a connection walks through.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

using outcome::ListedSide;
using outcome::ListedSocket;
using outcome::SocketSample;
using outcome::SocketView;
using outcome::TcpState;

const Outcome& stall_2003() {
  static const Outcome out = model::run(load_shipped("scenarios/stall/loopback-stall-2003.yaml"));
  return out;
}

// The states a series walks through, each once per stay.
std::vector<TcpState> states(const std::vector<SocketSample>& series) {
  std::vector<TcpState> out;
  for (const SocketSample& s : series) {
    if (out.empty() || out.back() != s.view.state) out.push_back(s.view.state);
  }
  return out;
}

const ListedSocket* listed(const std::vector<ListedSocket>& lines, const std::string& connection, ListedSide side) {
  for (const ListedSocket& l : lines) {
    if (l.connection == connection && l.side == side) return &l;
  }
  return nullptr;
}

// x#1's final ACK rode on its request, which met a full accept queue: the
// request sock stays (acked), the client is ESTABLISHED with the request
// in its send queue, and so it stays until the request gets in at 6.9 s.
TEST(NetstatDuringTheStall, ClientSendQHoldsTheRequestAndTheServerSideIsARequestSockWithRecvQZero) {
  const outcome::ConnectionRecord& x = record(stall_2003(), "x#1");
  ASSERT_TRUE(x.first_data_sent && x.data_delivered);
  ASSERT_GT(*x.data_delivered - *x.first_data_sent, sec(6));
  for (Time t = *x.first_data_sent + ms(1); t < *x.data_delivered - ms(1); t += ms(50)) {
    const std::optional<SocketView> client = outcome::socket_at(x.sockets.client, t);
    const std::optional<SocketView> server = outcome::socket_at(x.sockets.server, t);
    ASSERT_TRUE(client && server) << "at " << format_seconds(t);
    EXPECT_EQ(client->state, TcpState::established) << "at " << format_seconds(t);
    EXPECT_EQ(client->send_q, 5u) << "at " << format_seconds(t);
    EXPECT_EQ(client->recv_q, 0u) << "at " << format_seconds(t);
    EXPECT_EQ(server->state, TcpState::syn_recv) << "at " << format_seconds(t);
    EXPECT_EQ(server->recv_q, 0u) << "at " << format_seconds(t);
    EXPECT_EQ(server->send_q, 0u) << "at " << format_seconds(t);
    EXPECT_FALSE(server->accepted) << "at " << format_seconds(t);
  }
}

// At 2 s the accept queue is full (backlog 2: 3 children, pre#0, pre#1 and
// x#0); the listener's Recv-Q says so, and x#0's child holds its request,
// queued before anyone accepted it.
TEST(NetstatDuringTheStall, ListenerRecvQIsTheAcceptQueueAndAQueuedChildHoldsItsRequest) {
  const Outcome& out = stall_2003();
  const std::vector<ListedSocket> lines = outcome::listed_sockets(out, kTimeZero + sec(2));
  ASSERT_FALSE(lines.empty());
  const ListedSocket& listener = lines.front();
  EXPECT_EQ(listener.side, ListedSide::listener);
  EXPECT_EQ(listener.view.state, TcpState::listen);
  EXPECT_EQ(listener.local_port, 9100);
  EXPECT_EQ(listener.view.recv_q, 3u);
  EXPECT_EQ(listener.view.send_q, 0u);  // /proc/net/tcp: write_seq - snd_una of a socket that never sent
  std::uint32_t queued = 0;
  for (const ListedSocket& l : lines) {
    if (l.side == ListedSide::server && l.view.state == TcpState::established && !l.view.accepted) ++queued;
  }
  EXPECT_EQ(queued, listener.view.recv_q);
  const ListedSocket* x0 = listed(lines, "x#0", ListedSide::server);
  ASSERT_NE(x0, nullptr);
  EXPECT_EQ(x0->view.state, TcpState::established);
  EXPECT_EQ(x0->view.recv_q, 5u);
  EXPECT_FALSE(x0->view.accepted);
  // x#3 was answered with a cookie: the server keeps nothing, netstat lists nothing.
  EXPECT_EQ(listed(lines, "x#3", ListedSide::server), nullptr);
  ASSERT_NE(listed(lines, "x#3", ListedSide::client), nullptr);
  EXPECT_EQ(listed(lines, "x#3", ListedSide::client)->view.send_q, 5u);
}

// The story of the stall ends with the report's own reading: what netstat
// showed longest while the request waited.
TEST(NetstatDuringTheStall, TheStallsStoryEndsWithWhatNetstatShowedWhileTheRequestWaited) {
  const outcome::ConnectionRecord& x = record(stall_2003(), "x#1");
  ASSERT_FALSE(x.explanation.empty());
  const outcome::Reason& last = x.explanation.back().reason;
  EXPECT_EQ(last.kind, outcome::ReasonKind::sockets_while_waiting);
  EXPECT_EQ(last.a, 5u);  // client Send-Q
  EXPECT_EQ(last.b, 0u);  // server Recv-Q
  EXPECT_EQ(last.c, static_cast<std::uint32_t>(TcpState::established));
  EXPECT_EQ(last.d, static_cast<std::uint32_t>(TcpState::syn_recv));
  EXPECT_EQ(last.n, to_ns(*x.first_data_sent));
  EXPECT_GT(last.m - last.n, to_ns(sec(6)));
  // x#0's request got in at once: its child held it (Recv-Q 5) until accept() began at 4 s.
  const outcome::Reason& x0 = record(stall_2003(), "x#0").explanation.back().reason;
  EXPECT_EQ(x0.kind, outcome::ReasonKind::sockets_while_waiting);
  EXPECT_EQ(x0.a, 0u);
  EXPECT_EQ(x0.b, 5u);
  EXPECT_EQ(x0.d, static_cast<std::uint32_t>(TcpState::established));
}

// Once the request gets in, the child waits in the accept queue with it
// (Recv-Q 5); accept() takes it, the server reads it, and Recv-Q is 0.
TEST(NetstatAfterTheStall, RecvQEmptiesOnceTheChildIsAcceptedAndTheRequestRead) {
  const outcome::ConnectionRecord& x = record(stall_2003(), "x#1");
  ASSERT_TRUE(x.accepted && x.data_delivered);
  const auto child = std::find_if(x.sockets.server.begin(), x.sockets.server.end(),
                                  [](const SocketSample& s) { return s.view.state == TcpState::established; });
  ASSERT_NE(child, x.sockets.server.end());
  EXPECT_EQ(child->view.recv_q, 5u);
  EXPECT_FALSE(child->view.accepted);
  EXPECT_LT(child->time, *x.accepted);
  const std::optional<SocketView> accepted = outcome::socket_at(x.sockets.server, *x.accepted);
  ASSERT_TRUE(accepted);
  EXPECT_TRUE(accepted->accepted);
  EXPECT_EQ(accepted->recv_q, 5u);  // accepted, not read yet
  const std::optional<SocketView> read = outcome::socket_at(x.sockets.server, *x.data_delivered);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->recv_q, 0u);
  // The request is acked: the client's Send-Q is empty.
  const std::optional<SocketView> client = outcome::socket_at(x.sockets.client, *x.data_delivered);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->send_q, 0u);
}

// A client writes 5 bytes; the server answers 5 and closes first.
Scenario request_response(Duration duration) {
  Scenario sc = scenario_named("request-response", duration);
  sc.server.on_data.respond_bytes = 5;
  sc.server.on_data.close = scenario::ServerClose::after_response;
  ClientGroup& c = add_clients(sc, "c", 1, ms(10));
  send_after_connect(c, 5);
  c.close.kind = scenario::CloseSpec::Kind::after_response;
  return sc;
}

TEST(NetstatStates, ThePassiveCloserWalksCloseWaitAndLastAckTheActiveOneEndsInTimeWait) {
  const Outcome out = model::run(request_response(sec(2)));
  const outcome::ConnectionRecord& c = record(out, "c#0");
  EXPECT_EQ(states(c.sockets.client), (std::vector<TcpState>{TcpState::syn_sent, TcpState::established,
                                                             TcpState::close_wait, TcpState::last_ack,
                                                             TcpState::close}));
  EXPECT_EQ(states(c.sockets.server),
            (std::vector<TcpState>{TcpState::syn_recv, TcpState::established, TcpState::fin_wait1,
                                   TcpState::time_wait}));
  // SYN_SENT: the SYN is the one byte in flight (ss: "SYN-SENT 0 1").
  ASSERT_FALSE(c.sockets.client.empty());
  EXPECT_EQ(c.sockets.client.front().view, (SocketView{TcpState::syn_sent, false, 0, 1}));
  // CLOSE_WAIT: the response and the FIN are unread (Recv-Q 6), then read
  // (0) before the close on the loop's timeline; LAST_ACK: the client's own
  // FIN is unacked (Send-Q 1).
  std::vector<std::uint32_t> close_wait_recv_q;
  for (const SocketSample& s : c.sockets.client) {
    if (s.view.state == TcpState::close_wait) close_wait_recv_q.push_back(s.view.recv_q);
    if (s.view.state == TcpState::last_ack) {
      EXPECT_EQ(s.view, (SocketView{TcpState::last_ack, false, 0, 1}));
    }
  }
  EXPECT_EQ(close_wait_recv_q, (std::vector<std::uint32_t>{6, 0}));
}

TEST(NetstatStates, TimeWaitLastsSixtySeconds) {
  const Outcome out = model::run(request_response(sec(70)));
  const std::vector<SocketSample>& server = record(out, "c#0").sockets.server;
  ASSERT_GE(server.size(), 2u);
  const SocketSample& tw = server[server.size() - 2];
  ASSERT_EQ(tw.view.state, TcpState::time_wait);
  EXPECT_EQ(server.back().view.state, TcpState::close);
  EXPECT_EQ(server.back().time - tw.time, sec(60));  // TCP_TIMEWAIT_LEN
  // A run that ends before then ends with the socket still in TIME_WAIT.
  const Outcome short_run = model::run(request_response(sec(2)));
  ASSERT_FALSE(record(short_run, "c#0").sockets.server.empty());
  EXPECT_EQ(record(short_run, "c#0").sockets.server.back().view.state, TcpState::time_wait);
}

// On loopback a new connection on the same client port is the same
// 4-tuple: taking the port ends the TIME_WAIT sock (tcp_tw_reuse /
// TCP_TW_SYN). The 2003 HTTP load runs 48,000 connections over the range's
// 14,116 even ports, the server closing first.
TEST(NetstatStates, TimeWaitEndsWhenANewConnectionTakesThePort) {
  const Outcome out = model::run(load_shipped("scenarios/report/http-load.yaml"));
  std::map<std::uint16_t, std::vector<const outcome::ConnectionRecord*>> by_port;
  for (const outcome::ConnectionRecord& r : out.connections) by_port[r.client_port].push_back(&r);
  std::uint32_t cut = 0;
  for (const outcome::ConnectionRecord& r : out.connections) {
    const std::vector<SocketSample>& s = r.sockets.server;
    if (s.size() < 2 || s[s.size() - 2].view.state != TcpState::time_wait) continue;
    const Time end = s.back().time;
    if (end - s[s.size() - 2].time >= sec(60)) continue;
    ++cut;
    // The next connection on the port starts (SYN_SENT) then.
    bool taken = false;
    for (const outcome::ConnectionRecord* other : by_port[r.client_port]) {
      taken |= other != &r && !other->sockets.client.empty() && other->sockets.client.front().time == end;
    }
    EXPECT_TRUE(taken) << r.name << "'s TIME_WAIT ends at " << format_seconds(end);
  }
  EXPECT_GT(cut, 1000u);
}

TEST(NetstatSeries, AreRecordedWithoutThePacketsUnlessTurnedOff) {
  model::RunOptions options;
  options.record_packets = false;
  const Outcome some = model::run(request_response(sec(2)), options);
  EXPECT_TRUE(some.packets.empty());
  EXPECT_FALSE(record(some, "c#0").sockets.client.empty());
  EXPECT_EQ(record(some, "c#0").sockets, record(model::run(request_response(sec(2))), "c#0").sockets);
  EXPECT_GT(some.queues.size(), 1u);  // the listener's line needs them (the first sample is the empty start)
  options.record_sockets = false;
  const Outcome none = model::run(request_response(sec(2)), options);
  EXPECT_TRUE(record(none, "c#0").sockets.client.empty());
}

}  // namespace
}  // namespace synsim::testing
