#include "sim/kernel/capture.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "sim/kernel/netns.h"
#include "sim/capture/frame.h"
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
// The ring: 64 blocks of 1 MiB, ~4000 header-only frames each (about a
// second of this machine's capacity), handed to us when full or after
// kRetireMs.
constexpr unsigned kBlockSize = 1u << 20;
constexpr unsigned kBlocks = 64;
constexpr unsigned kFrameSize = 256;
constexpr unsigned kRetireMs = 5;

// In the kernel, before anything is copied: the outgoing copy only
// (PACKET_OUTGOING), truncated to kSnapLength. Linux: run_filter() in
// tpacket_rcv()/packet_rcv(), net/packet/af_packet.c.
bool attach_filter(int fd) {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<__u32>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, kSnapLength),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  return ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
}

// Our own clock for a frame: the kernel's stamp converted to monotonic (see
// capture.h), or the time we read it.
std::int64_t to_monotonic(std::int64_t stamp, std::int64_t realtime_minus_mono, std::int64_t user_mono) {
  if (stamp == 0) return user_mono;
  const std::int64_t as_realtime = stamp - realtime_minus_mono;
  // A realtime stamp converts to just before we read it; a monotonic one
  // (TCP's departure time) is already close to user_mono.
  if (as_realtime <= user_mono && user_mono - as_realtime < 10'000'000'000) return as_realtime;
  if (stamp <= user_mono && user_mono - stamp < 10'000'000'000) return stamp;
  return user_mono;
}

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
  attach_filter(fd_);  // without it, the userspace checks below still apply
  // The ring, set up before bind() so no frame arrives outside it.
  int version = TPACKET_V3;
  tpacket_req3 req{};
  req.tp_block_size = kBlockSize;
  req.tp_block_nr = kBlocks;
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = kBlockSize / kFrameSize * kBlocks;
  req.tp_retire_blk_tov = kRetireMs;
  if (::setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) == 0 &&
      ::setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) == 0) {
    void* map = ::mmap(nullptr, std::size_t{kBlockSize} * kBlocks, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (map != MAP_FAILED) {
      ring_ = static_cast<std::uint8_t*>(map);
      block_size_ = kBlockSize;
      blocks_ = kBlocks;
    }
  }
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
  if (ring_ != nullptr) ::munmap(ring_, block_size_ * blocks_);
  if (fd_ >= 0) ::close(fd_);
}

void Capture::start() { thread_ = std::thread([this] { loop(); }); }

void Capture::loop() {
  while (!stop_.load(std::memory_order_relaxed)) {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, kPollMs);
    if (r > 0) ring_ != nullptr ? drain_ring() : drain_once();
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
    const std::size_t got = static_cast<std::size_t>(n) < sizeof frame ? static_cast<std::size_t>(n) : sizeof frame;
    record(stamp, user_mono, frame, got);
  }
  return any;
}

void Capture::record(std::int64_t stamp, std::int64_t user_mono, const std::uint8_t* frame, std::size_t len) {
  std::optional<outcome::Packet> p = capture::parse_ethernet_frame(std::span<const std::uint8_t>(frame, len));
  if (!p) return;
  if (packets_.size() >= kMaxPackets) {
    ++limit_hit_;
    return;
  }
  packets_.push_back(
      CapturedPacket{to_monotonic(stamp, realtime_minus_mono_, user_mono), std::move(*p), std::vector<outcome::Reason>{}});
}

// Linux: prb_retire_current_block() hands a block to us (TP_STATUS_USER)
// when it is full or kRetireMs old; we hand it back with TP_STATUS_KERNEL.
bool Capture::drain_ring() {
  bool any = false;
  for (std::size_t n = 0; n < blocks_; ++n) {
    auto* block = reinterpret_cast<tpacket_block_desc*>(ring_ + next_block_ * block_size_);
    std::atomic_ref<__u32> status(block->hdr.bh1.block_status);
    if ((status.load(std::memory_order_acquire) & TP_STATUS_USER) == 0) return any;
    any = true;
    const std::int64_t user_mono = monotonic_ns();
    const std::uint32_t count = block->hdr.bh1.num_pkts;
    std::size_t offset = block->hdr.bh1.offset_to_first_pkt;
    for (std::uint32_t i = 0; i < count && offset < block_size_; ++i) {
      const auto* h = reinterpret_cast<const tpacket3_hdr*>(reinterpret_cast<const std::uint8_t*>(block) + offset);
      const auto* sll = reinterpret_cast<const sockaddr_ll*>(reinterpret_cast<const std::uint8_t*>(h) +
                                                            TPACKET_ALIGN(sizeof(tpacket3_hdr)));
      if (sll->sll_pkttype == PACKET_OUTGOING && h->tp_mac + h->tp_snaplen <= block_size_ - offset) {
        const std::int64_t stamp = static_cast<std::int64_t>(h->tp_sec) * 1'000'000'000 + h->tp_nsec;
        record(stamp, user_mono, reinterpret_cast<const std::uint8_t*>(h) + h->tp_mac,
               std::min<std::size_t>(h->tp_snaplen, kSnapLength));
      }
      if (h->tp_next_offset == 0) break;
      offset += h->tp_next_offset;
    }
    status.store(TP_STATUS_KERNEL, std::memory_order_release);
    next_block_ = (next_block_ + 1) % blocks_;
  }
  return any;
}

std::vector<CapturedPacket> Capture::stop(std::int64_t limit_ns) {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  // What is still queued in the socket: drain until empty or out of time.
  const std::int64_t until = monotonic_ns() + limit_ns;
  if (ring_ != nullptr) {
    // The block being filled is handed over within kRetireMs: wait for it
    // (two retire periods with nothing new ends it).
    std::int64_t quiet_since = monotonic_ns();
    while (monotonic_ns() < until && monotonic_ns() - quiet_since < 3 * kRetireMs * 1'000'000) {
      if (drain_ring()) {
        quiet_since = monotonic_ns();
      } else {
        pollfd p{fd_, POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(kRetireMs));
      }
    }
    tpacket_stats_v3 st{};
    socklen_t len = sizeof st;
    if (::getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) kernel_drops_ += st.tp_drops;
  } else {
    while (drain_once() && monotonic_ns() < until) {
    }
    tpacket_stats st{};
    socklen_t len = sizeof st;
    if (::getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) kernel_drops_ += st.tp_drops;
  }
  return std::move(packets_);
}

}  // namespace synsim::kernel
