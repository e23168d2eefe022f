#include "sim/kernel/wire.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "sim/capture/frame.h"
#include "sim/kernel/runner.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::kernel {

namespace {

// A segment's class in the link rules' vocabulary. A bare FIN has no name
// there (only `any` rules match it: the caller keeps it apart).
scenario::SegmentKind link_kind(outcome::SegmentClass c) {
  switch (c) {
    case outcome::SegmentClass::syn: return scenario::SegmentKind::syn;
    case outcome::SegmentClass::synack: return scenario::SegmentKind::synack;
    case outcome::SegmentClass::final_ack: return scenario::SegmentKind::final_ack;
    case outcome::SegmentClass::data: return scenario::SegmentKind::data;
    case outcome::SegmentClass::rst: return scenario::SegmentKind::rst;
    case outcome::SegmentClass::fin:
    case outcome::SegmentClass::ack: return scenario::SegmentKind::ack;
  }
  return scenario::SegmentKind::ack;
}

[[noreturn]] void fail(const std::string& what) {
  throw EnvironmentError(fmt::format("wire mode: {}: {}", what, std::strerror(errno)));
}

void set_addr(sockaddr* sa, const std::string& dotted) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  if (::inet_pton(AF_INET, dotted.c_str(), &sin.sin_addr) != 1) {
    throw Unsupported(fmt::format("wire mode: '{}' is not an IPv4 address", dotted));
  }
  std::memcpy(sa, &sin, sizeof sin);
}

void write_proc(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value << '\n';
  out.flush();
  if (!out) throw EnvironmentError(fmt::format("wire mode: cannot write {}", path));
}

bool heap_later(const auto& a, const auto& b) {
  return a.release_ns != b.release_ns ? a.release_ns > b.release_ns : a.seq > b.seq;
}

constexpr int kPollMs = 10;
constexpr std::size_t kMaxPacket = 65536 + 64;
constexpr std::size_t kMaxHeld = 100'000;

}  // namespace

std::string wire_client_address(const std::string& server_addr) {
  in_addr a{};
  if (::inet_pton(AF_INET, server_addr.c_str(), &a) != 1) return "127.0.0.2";
  std::uint32_t h = ntohl(a.s_addr);
  std::uint32_t last = h & 0xff;
  last = last >= 254 ? 1 : last + 1;
  h = (h & 0xffffff00u) | last;
  a.s_addr = htonl(h);
  char buf[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

int wire_create_tun(const std::string& name, const std::string& local, const std::string& peer) {
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) fail("open(/dev/net/tun) (needs CONFIG_TUN and access to the device)");
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    fail("ioctl(TUNSETIFF)");
  }
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("socket()");
  auto config = [&](unsigned long req, const char* what) {
    if (::ioctl(s, req, &ifr) != 0) {
      const int e = errno;
      ::close(s);
      ::close(fd);
      errno = e;
      fail(what);
    }
  };
  // Loopback addresses on a non-loopback device: allowed only with
  // route_localnet (ip_route_input_slow / __mkroute_output martian checks).
  write_proc("/proc/sys/net/ipv4/conf/all/route_localnet", "1");
  write_proc("/proc/sys/net/ipv4/conf/" + name + "/route_localnet", "1");
  std::memset(&ifr, 0, sizeof ifr);
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  set_addr(&ifr.ifr_addr, local);
  config(SIOCSIFADDR, "ioctl(SIOCSIFADDR)");
  set_addr(&ifr.ifr_dstaddr, peer);
  config(SIOCSIFDSTADDR, "ioctl(SIOCSIFDSTADDR)");
  set_addr(&ifr.ifr_netmask, "255.255.255.255");
  config(SIOCSIFNETMASK, "ioctl(SIOCSIFNETMASK)");
  ifr.ifr_mtu = 65535;
  config(SIOCSIFMTU, "ioctl(SIOCSIFMTU)");
  config(SIOCGIFFLAGS, "ioctl(SIOCGIFFLAGS)");
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  config(SIOCSIFFLAGS, "ioctl(SIOCSIFFLAGS)");
  ::close(s);
  return fd;
}

Wire::Wire(WireConfig config, int client_tun, int server_tun)
    : cfg_(std::move(config)), client_tun_(client_tun), server_tun_(server_tun), conns_(cfg_.connections) {}

Wire::~Wire() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
  }
  if (client_tun_ >= 0) ::close(client_tun_);
  if (server_tun_ >= 0) ::close(server_tun_);
}

void Wire::start() { thread_ = std::thread([this] { loop(); }); }

std::vector<CapturedPacket> Wire::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return std::move(packets_);
}

std::int64_t Wire::conn_of(std::uint16_t port) const {
  if (port < cfg_.client_port_base) return -1;
  const std::uint32_t c = static_cast<std::uint32_t>(port - cfg_.client_port_base);
  return c < cfg_.connections ? static_cast<std::int64_t>(c) : -1;
}

void Wire::loop() {
  std::vector<std::uint8_t> buf(kMaxPacket);
  while (!stop_.load(std::memory_order_relaxed)) {
    // Release what is due, in (time, arrival) order.
    const std::int64_t now = monotonic_ns();
    for (int n = 0; n < 100'000 && !held_.empty() && held_.front().release_ns <= now; ++n) {
      std::pop_heap(held_.begin(), held_.end(), [](const Held& a, const Held& b) { return heap_later(a, b); });
      Held h = std::move(held_.back());
      held_.pop_back();
      const ssize_t w = ::write(h.to_server ? server_tun_ : client_tun_, h.bytes.data(), h.bytes.size());
      (void)w;  // a full TUN queue drops the packet, as a congested link would
    }
    int timeout = kPollMs;
    if (!held_.empty()) {
      const std::int64_t wait_ns = held_.front().release_ns - monotonic_ns();
      timeout = wait_ns <= 0 ? 0 : static_cast<int>(std::min<std::int64_t>(kPollMs, (wait_ns + 999'999) / 1'000'000));
    }
    pollfd p[2] = {{client_tun_, POLLIN, 0}, {server_tun_, POLLIN, 0}};
    if (::poll(p, 2, timeout) <= 0) continue;
    for (int side = 0; side < 2; ++side) {
      if (!(p[side].revents & POLLIN)) continue;
      for (int n = 0; n < 10'000; ++n) {
        const ssize_t r = ::read(side == 0 ? client_tun_ : server_tun_, buf.data(), buf.size());
        if (r <= 0) break;
        on_packet(side == 0, buf.data(), static_cast<std::size_t>(r));
      }
    }
  }
}

void Wire::on_packet(bool from_client_side, const std::uint8_t* data, std::size_t len) {
  const std::int64_t now = monotonic_ns();
  std::optional<outcome::Packet> p = capture::parse_ipv4_tcp(std::span<const std::uint8_t>(data, len));
  if (!p) return;  // not IPv4/TCP (IPv6 router solicitations and the like): not forwarded
  CapturedPacket cp{now, *p, {}};
  const bool from_client = p->src_port != cfg_.server_port;
  const std::int64_t conn = conn_of(from_client ? p->src_port : p->dst_port);

  // The segment's class by the one classifier the model's link uses too
  // (outcome::SegmentClassifier): a challenge ACK to a retransmitted
  // SYN-ACK is an `ack` here as there, not the handshake's final ACK.
  outcome::SegmentClassifier fresh;  // a port outside the scenario's: no handshake to follow
  outcome::SegmentClassifier& classes = conn >= 0 ? conns_[static_cast<std::size_t>(conn)].classes : fresh;
  const outcome::SegmentClass c = classes.classify(p->flags, p->length, p->seq, p->ack, from_client);
  const bool fin_only = c == outcome::SegmentClass::fin;
  const scenario::SegmentKind kind = link_kind(c);

  Duration extra = cfg_.latency;
  bool dropped = false;
  for (WireRule& rule : cfg_.rules) {
    if (rule.conn >= 0 && rule.conn != conn) continue;
    // A bare FIN is the model's `fin` class: only `any` rules match it.
    if (!rule.any && (fin_only || rule.kind != kind)) continue;
    ++rule.seen;
    if (rule.nth != 0 && rule.seen != rule.nth) continue;
    if (rule.drop) {
      cp.notes.push_back(outcome::Reason{.kind = outcome::ReasonKind::wire_dropped});
      dropped = true;
      break;
    }
    extra += rule.delay;
    cp.notes.push_back(outcome::Reason{.kind = outcome::ReasonKind::wire_held, .n = to_ns(rule.delay)});
  }
  if (packets_.size() < Capture::kMaxPackets) packets_.push_back(std::move(cp));
  if (dropped || held_.size() >= kMaxHeld) return;
  Held h{now + to_ns(extra), seq_++, from_client_side, std::vector<std::uint8_t>(data, data + len)};
  held_.push_back(std::move(h));
  std::push_heap(held_.begin(), held_.end(), [](const Held& a, const Held& b) { return heap_later(a, b); });
}

}  // namespace synsim::kernel
