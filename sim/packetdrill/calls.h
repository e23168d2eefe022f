// The script's socket calls on the model (play.h): what each returns, and
// whether it blocks. Internal to sim/packetdrill.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/core/time.h"
#include "sim/packetdrill/local.h"
#include "sim/packetdrill/script.h"

namespace synsim::packetdrill::detail {

class Peer;

// What the local side's file descriptors are.
enum class FdKind : std::uint8_t { socket, listener, child, client };

struct Fd {
  FdKind kind = FdKind::socket;
  bool nonblocking = false;
  bool linger_zero = false;            // SO_LINGER {1, 0}: close() sends a RST
  Duration defer_accept{};             // TCP_DEFER_ACCEPT (seconds)
  std::int64_t syncnt = 0;             // TCP_SYNCNT
  std::uint32_t read = 0;              // bytes the application has read
  std::uint32_t conn = 0;              // the stack's connection (child, client)
};

class Calls {
 public:
  explicit Calls(Peer& peer) : peer_(peer) {}
  // The call, now: its result, or that it blocks.
  CallOutcome start(const SyscallEvent& s);
  // Whether a blocked call can return now.
  bool ready(const PendingCall& p) const;
  // The blocked call returns now.
  CallOutcome complete(const SyscallEvent& s);
  bool listener_closed() const { return listener_closed_; }

 private:
  CallOutcome socket_call(const SyscallEvent& s);
  CallOutcome setsockopt(const SyscallEvent& s, Fd& fd);
  CallOutcome getsockopt(const SyscallEvent& s, const Fd& fd);
  CallOutcome accept(const SyscallEvent& s, Fd& fd, bool may_block);
  CallOutcome connect(Fd& fd);
  CallOutcome read(const SyscallEvent& s, Fd& fd, bool may_block);
  CallOutcome write(const SyscallEvent& s, Fd& fd);
  CallOutcome close(std::int64_t n, Fd& fd);
  Fd* fd_of(const SyscallEvent& s);
  std::int64_t lowest_free_fd() const;
  // Bytes the socket holds unread, and whether its peer's FIN came.
  std::uint32_t unread(const Fd& fd) const;
  bool fin_received(const Fd& fd) const;

  Peer& peer_;
  std::map<std::int64_t, Fd> fds_;
  bool listener_closed_ = false;
};

}  // namespace synsim::packetdrill::detail
