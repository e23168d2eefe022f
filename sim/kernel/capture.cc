#include "sim/kernel/capture.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/kernel/netns.h"
#include "sim/kernel/packet.h"
#include "sim/kernel/runner.h"

namespace synsim::kernel {

namespace {

std::int64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// realtime - monotonic, from the tightest of a few bracketed readings.
std::int64_t measure_offset() {
  std::int64_t best_width = INT64_MAX;
  std::int64_t offset = 0;
  for (int i = 0; i < 16; ++i) {
    const std::int64_t m1 = clock_ns(CLOCK_MONOTONIC);
    const std::int64_t r = clock_ns(CLOCK_REALTIME);
    const std::int64_t m2 = clock_ns(CLOCK_MONOTONIC);
    if (m2 - m1 < best_width) {
      best_width = m2 - m1;
      offset = r - (m1 + (m2 - m1) / 2);
    }
  }
  return offset;
}

// Headers only: Ethernet 14 + IPv4 up to 60 + TCP up to 60.
constexpr std::size_t kSnapLength = 160;
constexpr int kPollMs = 20;
constexpr int kReceiveBuffer = 32 * 1024 * 1024;

}  // namespace

std::int64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

Capture::Capture(const std::string& ifname) {
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
  if (fd_ < 0) {
    throw EnvironmentError(
        fmt::format("cannot open a packet capture socket (AF_PACKET: {}); needs CAP_NET_RAW in the namespace",
                    std::strerror(errno)));
  }
  // Big enough that a burst is not lost while the thread sleeps; root may
  // exceed rmem_max (FORCE), others get what they get.
  int buf = kReceiveBuffer;
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) != 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  }
  int on = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = interface_index(ifname);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw EnvironmentError(fmt::format("cannot bind the capture to {}: {}", ifname, std::strerror(e)));
  }
  realtime_minus_mono_ = measure_offset();
}

Capture::~Capture() {
  if (thread_.joinable()) {
    stop_ = true;
    thread_.join();
  }
  if (fd_ >= 0) ::close(fd_);
}

void Capture::start() { thread_ = std::thread([this] { loop(); }); }

void Capture::loop() {
  while (!stop_.load(std::memory_order_relaxed)) {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, kPollMs);
    if (r > 0) drain_once();
  }
}

bool Capture::drain_once() {
  bool any = false;
  // Bounded: at most this many frames per call, then back to the caller.
  for (int i = 0; i < 100'000; ++i) {
    std::uint8_t frame[kSnapLength];
    sockaddr_ll from{};
    alignas(cmsghdr) char control[256];
    iovec iov{frame, sizeof frame};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd_, &msg, MSG_TRUNC | MSG_DONTWAIT);
    if (n < 0) return any;
    any = true;
    const std::int64_t user_mono = monotonic_ns();
    if (from.sll_pkttype != PACKET_OUTGOING) continue;
    std::int64_t stamp = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        stamp = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      }
    }
    std::int64_t mono = user_mono;
    if (stamp != 0) {
      const std::int64_t as_realtime = stamp - realtime_minus_mono_;
      // A realtime stamp converts to just before we read it; a monotonic one
      // (TCP's departure time) is already close to user_mono.
      if (as_realtime <= user_mono && user_mono - as_realtime < 10'000'000'000) {
        mono = as_realtime;
      } else if (stamp <= user_mono && user_mono - stamp < 10'000'000'000) {
        mono = stamp;
      }
    }
    const std::size_t got = static_cast<std::size_t>(n) < sizeof frame ? static_cast<std::size_t>(n) : sizeof frame;
    std::optional<outcome::Packet> p = parse_ethernet_frame(std::span<const std::uint8_t>(frame, got));
    if (!p) continue;
    if (packets_.size() >= kMaxPackets) {
      ++limit_hit_;
      continue;
    }
    packets_.push_back(CapturedPacket{mono, std::move(*p), std::vector<std::string>{}});
  }
  return any;
}

std::vector<CapturedPacket> Capture::stop(std::int64_t limit_ns) {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  // What is still queued in the socket: drain until empty or out of time.
  const std::int64_t until = monotonic_ns() + limit_ns;
  while (drain_once() && monotonic_ns() < until) {
  }
  tpacket_stats st{};
  socklen_t len = sizeof st;
  if (::getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) kernel_drops_ += st.tp_drops;
  return std::move(packets_);
}

}  // namespace synsim::kernel
