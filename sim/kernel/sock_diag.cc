#include "sim/kernel/sock_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/kernel/fd.h"

namespace synsim::kernel {

namespace {

constexpr std::uint8_t kTcpListen = 10;    // TCP_LISTEN, include/net/tcp_states.h
constexpr std::uint8_t kTcpSynRecv = 3;    // TCP_SYN_RECV: how inet_diag lists a request sock
constexpr std::uint8_t kTcpClosing = 11;   // TCP_CLOSING, the last state netstat names

}  // namespace

bool parse_sock_diag_reply(const void* data, std::size_t length, std::vector<DiagSocket>* out) {
  const auto* h = static_cast<const nlmsghdr*>(data);
  int left = static_cast<int>(length);
  for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
    if (h->nlmsg_type == NLMSG_DONE) return true;
    if (h->nlmsg_type == NLMSG_ERROR) {
      const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
      const int err = h->nlmsg_len >= NLMSG_LENGTH(sizeof(nlmsgerr)) ? -e->error : EPROTO;
      throw std::runtime_error(fmt::format("sock_diag: {}", std::strerror(err)));
    }
    if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) throw std::runtime_error("sock_diag: short message");
    const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
    out->push_back(DiagSocket{m->idiag_state, ntohs(m->id.idiag_sport), ntohs(m->id.idiag_dport),
                              m->idiag_rqueue, m->idiag_wqueue});
  }
  if (left != 0) throw std::runtime_error("sock_diag: truncated message");
  return false;
}

std::vector<DiagSocket> dump_tcp_sockets() {
  const Fd s{::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)};
  if (s.fd < 0) throw std::runtime_error(fmt::format("sock_diag: socket(NETLINK_SOCK_DIAG): {}", std::strerror(errno)));
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } msg{};
  msg.header.nlmsg_len = sizeof msg;
  msg.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.request.sdiag_family = AF_INET;
  msg.request.sdiag_protocol = IPPROTO_TCP;
  msg.request.idiag_states = ~0u;  // every state: listeners, request socks (TCP_NEW_SYN_RECV), TIME_WAIT
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(s.fd, &msg, sizeof msg, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0) {
    throw std::runtime_error(fmt::format("sock_diag: sendto: {}", std::strerror(errno)));
  }
  std::vector<DiagSocket> out;
  alignas(nlmsghdr) std::array<char, 32768> buf{};
  for (;;) {
    const ssize_t n = ::recv(s.fd, buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("sock_diag: recv: {}", n < 0 ? std::strerror(errno) : "EOF"));
    if (parse_sock_diag_reply(buf.data(), static_cast<std::size_t>(n), &out)) return out;
  }
}

void add_diag_sockets(const std::vector<DiagSocket>& sockets, std::uint16_t server_port,
                      const std::vector<PortUse>& ports, Time end, outcome::Outcome& out) {
  std::map<std::uint16_t, std::uint32_t> last_user;  // client port -> connection
  for (const PortUse& u : ports) last_user[u.port] = u.conn;
  std::int64_t request_socks = 0;
  std::optional<std::int64_t> accept_queue;
  for (const DiagSocket& d : sockets) {
    if (d.state == kTcpListen) {
      if (d.local_port == server_port) accept_queue = d.recv_q;
      continue;
    }
    const bool server = d.local_port == server_port;
    if (!server && d.remote_port != server_port) continue;
    if (server && d.state == kTcpSynRecv) ++request_socks;
    const auto it = last_user.find(server ? d.remote_port : d.local_port);
    if (it == last_user.end() || it->second >= out.connections.size()) continue;
    outcome::ConnectionRecord& r = out.connections[it->second];
    outcome::SocketView v;
    v.state = d.state >= 1 && d.state <= kTcpClosing ? static_cast<outcome::TcpState>(d.state)
                                                     : outcome::TcpState::close;
    v.recv_q = d.recv_q;
    v.send_q = d.send_q;
    // A request sock is nobody's yet; a child is the application's once accept() returned it.
    v.accepted = server && d.state != kTcpSynRecv && r.accepted.has_value();
    (server ? r.sockets.server : r.sockets.client) = {outcome::SocketSample{end, v}};
  }
  if (accept_queue) out.queues.push_back(outcome::QueueSample{end, request_socks, *accept_queue});
}

}  // namespace synsim::kernel
