// A connection's sockets as the kernel's tools list them: the state and the
// two queues `netstat -tan` and `ss -tan` print, over time.
//
// Read first: net/ipv4/tcp_ipv4.c get_tcp4_sock(), get_openreq4(),
// get_timewait4_sock() (what /proc/net/tcp, netstat's source, prints for a
// full socket, a request sock and a TIME_WAIT sock), and net/ipv4/tcp_diag.c
// tcp_diag_get_info() (what inet_diag, ss's source, puts in idiag_rqueue /
// idiag_wqueue). Both say the same for every socket but the listener:
//   Recv-Q = rcv_nxt - copied_seq: bytes (and a FIN) received, not yet read
//   Send-Q = write_seq - snd_una: bytes (and a SYN or FIN) written, not yet acked
//   a request sock (SYN_RECV) and a TIME_WAIT sock: 0 and 0
//   the listener: Recv-Q = sk_ack_backlog (children waiting for accept());
//     Send-Q = 0 in /proc/net/tcp (write_seq - snd_una of a socket that never
//     sent), sk_max_ack_backlog (the backlog) in inet_diag.
// tcp_get_info() (struct tcp_info, `ss -i`) reads the same fields.
//
// A connection has two sockets: its client socket, and its server side,
// which is first the listener's request sock (SYN_RECV), then the child
// socket (in the accept queue until accept() returns it). Each is kept as a
// series of samples, one per change (outcome::ConnectionRecord::sockets);
// a socket is listed from its first sample until a sample in TcpState::close.
// Which model state is which kernel state is decided in one place,
// sim/tcp/diag.h. A kernel run has one sample per socket, what sock_diag
// listed when the run ended (sim/kernel/sock_diag.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sim/core/time.h"

namespace synsim::outcome {

struct Outcome;           // outcome.h
struct ConnectionRecord;  // outcome.h

// include/net/tcp_states.h, numbered as there. `close` is a socket no longer
// in any hash table: /proc/net/tcp does not list it, nor does netstat.
enum class TcpState : std::uint8_t {
  established = 1,
  syn_sent = 2,
  syn_recv = 3,
  fin_wait1 = 4,
  fin_wait2 = 5,
  time_wait = 6,
  close = 7,
  close_wait = 8,
  last_ack = 9,
  listen = 10,
  closing = 11,
};

// As netstat prints it (net-tools netstat.c tcp_state[]): "ESTABLISHED",
// "SYN_SENT", "SYN_RECV", "FIN_WAIT1", ..., "CLOSE", "LISTEN", "CLOSING".
const char* netstat_name(TcpState s);
// The state netstat_name() names, for reading an outcome back.
std::optional<TcpState> tcp_state_from(std::string_view netstat_name);

// One socket at one moment.
struct SocketView {
  TcpState state = TcpState::close;
  // Server side only: the application's accept() has returned the child
  // (false: the request sock, or a child still in the accept queue).
  bool accepted = false;
  std::uint32_t recv_q = 0;  // bytes, as netstat's Recv-Q
  std::uint32_t send_q = 0;  // bytes, as netstat's Send-Q
  bool operator==(const SocketView&) const = default;
};

// From `time` on, the socket is as `view` says (until its next sample).
struct SocketSample {
  Time time{};
  SocketView view;
  bool operator==(const SocketSample&) const = default;
};

// A connection's two sockets, one sample per change, each series in time
// order. Empty when nothing was recorded (a run without the series, or a
// connection that never started).
struct ConnectionSockets {
  std::vector<SocketSample> client;
  std::vector<SocketSample> server;
  bool operator==(const ConnectionSockets&) const = default;
};

// TCP_TIMEWAIT_LEN (include/net/tcp.h): how long a TIME_WAIT sock stays
// listed, unless a new connection takes its port first.
inline constexpr Duration kTimeWaitLength = sec(60);

// The socket as it was at `t` (its last sample at or before t); none when
// it did not exist then (no sample yet, or the last one is `close`).
std::optional<SocketView> socket_at(const std::vector<SocketSample>& series, Time t);

// Both sockets of a connection over a span: what netstat showed then (a
// view in state close: that socket was not listed).
struct WaitingSockets {
  SocketView client;
  SocketView server;
  Time from{};
  Time until{};
};

// The views of `r`'s two sockets that held longest while its request
// waited, from its first transmission until `until` (its delivery, or the
// end of the wait), the earliest of equally long ones. None without a
// request, without socket series, or with an empty wait.
std::optional<WaitingSockets> longest_while_waiting(const ConnectionRecord& r, Time until);

// Which socket of a run a listed line is.
enum class ListedSide : std::uint8_t { listener, client, server };

// One line of `netstat -tan` at a moment: the socket, its ports and which
// connection it belongs to (none for the listener).
struct ListedSocket {
  ListedSide side = ListedSide::listener;
  std::string_view connection;  // the record's name; empty for the listener
  std::uint16_t local_port = 0;
  std::uint16_t foreign_port = 0;  // 0 for the listener (netstat: "*")
  SocketView view;
};

// Every socket alive at `t`, in the order synsim lists them: the listener
// first (/proc/net/tcp walks the listening hash before the established
// one), then the connections by client port, each one's client socket
// before its server side. (netstat itself prints the established hash in
// hash-bucket order, which means nothing to a reader.) The listener's
// Recv-Q is the accept queue at `t` (Outcome::queues), its Send-Q 0 as
// /proc/net/tcp gives it. The views point into `out`: keep it alive.
std::vector<ListedSocket> listed_sockets(const Outcome& out, Time t);

}  // namespace synsim::outcome
