// The kernel's side of a packetdrill script (pkt_player.h): real sockets in
// the calling thread's namespace, and the TUN device the remote peer's
// segments go through. Internal to sim/kernel.
#pragma once

#include <poll.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/kernel/pkt_frame.h"
#include "sim/packetdrill/local.h"

namespace synsim::kernel {

// A script's file descriptor: the real one, and what the script asked of it.
struct PktFd {
  int real = -1;
  bool nonblocking = false;  // the script's O_NONBLOCK (the real socket always is)
  bool listener = false;
};

class PktKernelLocal final : public packetdrill::Local {
 public:
  PktKernelLocal(int tun, std::string release);
  ~PktKernelLocal() override;
  PktKernelLocal(const PktKernelLocal&) = delete;
  PktKernelLocal& operator=(const PktKernelLocal&) = delete;

  // The script's time 0 is now.
  void start_clock();

  std::string side() const override { return "this machine's kernel (" + release_ + ")"; }
  Time now() const override;
  bool run_until(Time until, const std::function<bool()>& stop) override;
  std::string stuck() const override { return stuck_; }
  Duration late_look() const override { return sec(3); }
  bool inject(const packetdrill::PacketEvent& p, packetdrill::Tuple tuple) override;
  packetdrill::CallOutcome start_call(const packetdrill::SyscallEvent& s) override;
  bool call_ready(const packetdrill::PendingCall& p) override;
  packetdrill::CallOutcome complete_call(const packetdrill::SyscallEvent& s) override;

  // 127.0.0.1:8080 and 127.0.0.2 (pkt_player.h); the default tuple's
  // remote port is 40000 (8080 once the script connect()s).
  static constexpr std::uint32_t kLocalAddr = 0x7f000001;
  static constexpr std::uint32_t kRemoteAddr = 0x7f000002;
  static constexpr std::uint16_t kLocalPort = packetdrill::kLocalPort;
  static constexpr std::uint16_t kDefaultRemotePort = 40000;

 private:
  // Reads what the kernel wrote to the device; false on a device error.
  bool drain();
  PktFd* fd_of(const packetdrill::SyscallEvent& s);
  std::int64_t lowest_free_fd() const;
  packetdrill::CallOutcome setsockopt(const packetdrill::SyscallEvent& s, PktFd& fd);
  packetdrill::CallOutcome getsockopt(const packetdrill::SyscallEvent& s, PktFd& fd);
  packetdrill::CallOutcome accept(PktFd& fd, bool may_block);
  packetdrill::CallOutcome connect(PktFd& fd);
  packetdrill::CallOutcome read(const packetdrill::SyscallEvent& s, PktFd& fd, bool may_block);
  packetdrill::CallOutcome write(const packetdrill::SyscallEvent& s, PktFd& fd);
  // What a blocked call waits for, so that run_until wakes when it can return.
  packetdrill::CallOutcome block_on(const PktFd& fd, short events);

  int tun_ = -1;
  std::string release_;
  std::int64_t t0_ns_ = 0;
  std::string stuck_;
  std::map<std::int64_t, PktFd> fds_;
  // The peer's port on a tuple, and back.
  std::uint16_t remote_port(packetdrill::Tuple t) const { return t == packetdrill::kDefaultTuple ? default_remote_ : t; }
  packetdrill::Tuple tuple_of(std::uint16_t port) const { return port == default_remote_ ? packetdrill::kDefaultTuple : port; }

  PktEndpoint local_{kLocalAddr, kLocalPort};
  std::uint16_t default_remote_ = kDefaultRemotePort;
  pollfd watch_{-1, 0, 0};
};

}  // namespace synsim::kernel
