// The TCP sockets of the runner's namespace as `ss -tan` reads them: the
// sock_diag netlink interface (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY with
// an inet_diag_req_v2 dump), read once when a run ends, while every socket
// is still open, for the outcome's netstat view (outcome/sockets.h).
//
// Read first: sock_diag(7); net/ipv4/inet_diag.c inet_diag_dump_icsk()
// (listeners, then the established hash: full sockets, request socks
// listed as SYN_RECV by inet_req_diag_fill(), TIME_WAIT socks by
// inet_twsk_diag_fill()) and net/ipv4/tcp_diag.c tcp_diag_get_info():
// idiag_rqueue / idiag_wqueue are Recv-Q / Send-Q, for a listener its
// accept queue and backlog.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/ports.h"
#include "sim/outcome/outcome.h"

namespace synsim::kernel {

// One socket of the dump, in host byte order.
struct DiagSocket {
  std::uint8_t state = 0;  // idiag_state (include/net/tcp_states.h numbers)
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  std::uint32_t recv_q = 0;  // idiag_rqueue
  std::uint32_t send_q = 0;  // idiag_wqueue
  bool operator==(const DiagSocket&) const = default;
};

// Reads one buffer of the netlink reply: appends its sockets to `out`.
// Returns true when the dump is over (NLMSG_DONE); throws
// std::runtime_error on an NLMSG_ERROR or a malformed message.
bool parse_sock_diag_reply(const void* data, std::size_t length, std::vector<DiagSocket>* out);

// Every IPv4 TCP socket of the calling thread's network namespace, in every
// state. Throws std::runtime_error when sock_diag cannot be read (no
// inet_diag in this kernel, a netlink error).
std::vector<DiagSocket> dump_tcp_sockets();

// The dump into `out`, for the run's end `end`: each connection's client
// socket and server side as one sample at `end` (ConnectionRecord::sockets;
// a child counts as accepted when the server's accept() returned it), the
// connection found by its client port (the last to use it, `ports` in
// connect() order); the listener's accept queue and request socks as a last
// queue sample. Sockets of other ports are left out.
void add_diag_sockets(const std::vector<DiagSocket>& sockets, std::uint16_t server_port,
                      const std::vector<PortUse>& ports, Time end, outcome::Outcome& out);

}  // namespace synsim::kernel
