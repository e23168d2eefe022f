// Time, the device and the remote peer's segments for a script played on
// the kernel (pkt_local.h). The socket calls are in pkt_calls.cc.
#include "sim/kernel/pkt_local.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "sim/kernel/capture.h"

namespace synsim::kernel {

namespace {

constexpr std::size_t kMaxPacket = 65536 + 64;

}  // namespace

PktKernelLocal::PktKernelLocal(int tun, std::string release) : tun_(tun), release_(std::move(release)) {
  start_clock();
}

PktKernelLocal::~PktKernelLocal() {
  for (const auto& [n, fd] : fds_) ::close(fd.real);
  if (tun_ >= 0) ::close(tun_);
}

void PktKernelLocal::start_clock() { t0_ns_ = monotonic_ns(); }

Time PktKernelLocal::now() const { return kTimeZero + ns(monotonic_ns() - t0_ns_); }

bool PktKernelLocal::drain() {
  std::vector<std::uint8_t> buf(kMaxPacket);
  for (int n = 0; n < 10'000; ++n) {
    const ssize_t r = ::read(tun_, buf.data(), buf.size());
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (r <= 0) {
      stuck_ = fmt::format("reading the TUN device failed: {}", r < 0 ? std::strerror(errno) : "end of file");
      return false;
    }
    // Only the local side's segments to the peer: the device also carries
    // IPv6 neighbour discovery and the like.
    const std::optional<PktOutbound> out =
        read_outbound(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(r)), local_, kRemoteAddr);
    if (out) record(now(), out->seg, tuple_of(out->to_port));
  }
  return true;
}

// Real time passes: the device (and the blocked call's socket, if any) is
// polled until `until`, and every segment the kernel sends is recorded as
// it is read.
bool PktKernelLocal::run_until(Time until, const std::function<bool()>& stop) {
  while (true) {
    if (!drain()) return false;
    if (stop()) return true;
    const Time t = now();
    if (t >= until) return true;
    const std::int64_t wait = to_ns(until) - to_ns(t);
    const timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    pollfd p[2] = {{tun_, POLLIN, 0}, watch_};
    const int r = ::ppoll(p, watch_.fd >= 0 ? 2 : 1, &ts, nullptr);
    if (r < 0 && errno != EINTR) {
      stuck_ = fmt::format("ppoll() on the TUN device failed: {}", std::strerror(errno));
      return false;
    }
  }
}

bool PktKernelLocal::inject(const packetdrill::PacketEvent& p, packetdrill::Tuple tuple) {
  std::uint32_t script_ecr = 0;
  for (const packetdrill::TcpOption& o : p.options.value_or(std::vector<packetdrill::TcpOption>{})) {
    if (o.kind == packetdrill::OptionKind::timestamp) script_ecr = o.b;
  }
  const PktNumbers n{packetdrill::kPeerIsn, local_isn(tuple).value_or(0), local_ts(tuple, script_ecr)};
  const std::vector<std::uint8_t> bytes = build_inbound(p, PktEndpoint{kRemoteAddr, remote_port(tuple)}, local_, n);
  // A write to a TUN device is the packet's arrival on it (tun_get_user ->
  // netif_rx): the kernel takes it in its softirq, as from a wire.
  if (::write(tun_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
    stuck_ = fmt::format("writing to the TUN device failed: {}", std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace synsim::kernel
