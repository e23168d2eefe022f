// sock_diag's reply as the runner reads it, and the sockets it lists as a
// kernel outcome's netstat view (sock_diag.h), without a kernel.
#include "sim/kernel/sock_diag.h"

#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace synsim::kernel {
namespace {

using outcome::SocketSample;
using outcome::SocketView;
using outcome::TcpState;

// A netlink reply: one SOCK_DIAG_BY_FAMILY message per socket, then `last`.
class Reply {
 public:
  void socket(std::uint8_t state, std::uint16_t sport, std::uint16_t dport, std::uint32_t rq, std::uint32_t wq) {
    inet_diag_msg m{};
    m.idiag_family = AF_INET;
    m.idiag_state = state;
    m.id.idiag_sport = htons(sport);
    m.id.idiag_dport = htons(dport);
    m.idiag_rqueue = rq;
    m.idiag_wqueue = wq;
    add(SOCK_DIAG_BY_FAMILY, &m, sizeof m);
  }
  void done() {
    const int zero = 0;
    add(NLMSG_DONE, &zero, sizeof zero);
  }
  void error(int err) {
    nlmsgerr e{};
    e.error = -err;
    add(NLMSG_ERROR, &e, sizeof e);
  }
  const std::vector<char>& bytes() const { return bytes_; }

 private:
  void add(std::uint16_t type, const void* payload, std::size_t size) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + NLMSG_SPACE(size));
    auto* h = reinterpret_cast<nlmsghdr*>(bytes_.data() + at);
    h->nlmsg_len = NLMSG_LENGTH(size);
    h->nlmsg_type = type;
    std::memcpy(NLMSG_DATA(h), payload, size);
  }
  alignas(nlmsghdr) std::vector<char> bytes_;
};

TEST(SockDiag, ReadsEachSocketInHostOrderUntilTheDumpIsDone) {
  Reply r;
  r.socket(10, 9100, 0, 3, 2);       // the listener: accept queue 3, backlog 2
  r.socket(1, 49442, 9100, 0, 5);    // a client with its request unacked
  std::vector<DiagSocket> got;
  EXPECT_FALSE(parse_sock_diag_reply(r.bytes().data(), r.bytes().size(), &got));  // more to come
  Reply end;
  end.socket(3, 9100, 49442, 0, 0);  // its request sock
  end.done();
  EXPECT_TRUE(parse_sock_diag_reply(end.bytes().data(), end.bytes().size(), &got));
  EXPECT_EQ(got, (std::vector<DiagSocket>{{10, 9100, 0, 3, 2}, {1, 49442, 9100, 0, 5}, {3, 9100, 49442, 0, 0}}));
}

TEST(SockDiag, AnErrorReplyIsAnErrorNamingIt) {
  Reply r;
  r.error(EPROTONOSUPPORT);
  std::vector<DiagSocket> got;
  try {
    parse_sock_diag_reply(r.bytes().data(), r.bytes().size(), &got);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), std::string("sock_diag: ") + std::strerror(EPROTONOSUPPORT));
  }
}

outcome::Outcome three_connections() {
  outcome::Outcome out;
  out.info.server_port = 9100;
  for (const char* name : {"pre#0", "x#1", "x#3"}) {
    outcome::ConnectionRecord r;
    r.name = name;
    out.connections.push_back(r);
  }
  out.connections[0].accepted = at_ns(1'000);
  return out;
}

// The 2003 stall as ss would list it at the end: x#1's request waits in its
// Send-Q while its server side is a request sock; pre#0's child was
// accepted; x#3 (a cookie) has no server socket; another port is not ours.
TEST(SockDiag, EachSocketBecomesItsConnectionsSampleAtTheEnd) {
  outcome::Outcome out = three_connections();
  const std::vector<PortUse> ports = {{49436, 0, at_ns(0)}, {49442, 2, at_ns(5)}, {49442, 1, at_ns(10)},
                                      {49446, 2, at_ns(20)}};
  const std::vector<DiagSocket> sockets = {
      {10, 9100, 0, 1, 2},         {1, 49436, 9100, 0, 0}, {1, 9100, 49436, 0, 0}, {1, 49442, 9100, 0, 5},
      {3, 9100, 49442, 0, 0},      {1, 49446, 9100, 0, 5}, {1, 22, 50000, 0, 40},  {10, 22, 0, 0, 128},
  };
  const Time end = at_ns(2'000'000'000);
  add_diag_sockets(sockets, 9100, ports, end, out);
  const outcome::ConnectionRecord& pre = out.connections[0];
  const outcome::ConnectionRecord& x1 = out.connections[1];
  const outcome::ConnectionRecord& x3 = out.connections[2];
  EXPECT_EQ(pre.sockets.server, (std::vector<SocketSample>{{end, SocketView{TcpState::established, true, 0, 0}}}));
  EXPECT_EQ(x1.sockets.client, (std::vector<SocketSample>{{end, SocketView{TcpState::established, false, 0, 5}}}));
  EXPECT_EQ(x1.sockets.server, (std::vector<SocketSample>{{end, SocketView{TcpState::syn_recv, false, 0, 0}}}));
  EXPECT_EQ(x3.sockets.client, (std::vector<SocketSample>{{end, SocketView{TcpState::established, false, 0, 5}}}));
  EXPECT_TRUE(x3.sockets.server.empty());
  ASSERT_EQ(out.queues.size(), 1u);
  EXPECT_EQ(out.queues[0].time, end);
  EXPECT_EQ(out.queues[0].accept_queue, 1);
  EXPECT_EQ(out.queues[0].syn_queue, 1);
}

}  // namespace
}  // namespace synsim::kernel
