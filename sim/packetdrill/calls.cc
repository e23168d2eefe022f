// The covered socket calls on the model's stack. Each says which kernel
// path it stands for; results and errnos are what Linux returns.
#include "sim/packetdrill/calls.h"

#include "sim/packetdrill/peer.h"

#include <algorithm>

namespace synsim::packetdrill::detail {

namespace {

// The connection a connect() plays: the default tuple's.
constexpr std::uint32_t kClientConn = 0;

CallOutcome result(std::int64_t v) { return CallOutcome{false, v, {}, {}}; }
CallOutcome error(std::string name) { return CallOutcome{false, -1, std::move(name), {}}; }
CallOutcome blocks() { return CallOutcome{true, 0, {}, {}}; }
CallOutcome cannot(std::string why) { return CallOutcome{false, 0, {}, std::move(why)}; }


std::string errno_of(tcp::SockError e) {
  switch (e) {
    case tcp::SockError::none: return "";
    case tcp::SockError::econnreset: return "ECONNRESET";
    case tcp::SockError::etimedout: return "ETIMEDOUT";
    case tcp::SockError::econnrefused: return "ECONNREFUSED";
    case tcp::SockError::eaddrnotavail: return "EADDRNOTAVAIL";
  }
  return "";
}

}  // namespace

std::int64_t Calls::lowest_free_fd() const {
  std::int64_t n = 3;  // 0, 1 and 2 are stdin, stdout and stderr
  while (fds_.count(n)) ++n;
  return n;
}

Fd* Calls::fd_of(const SyscallEvent& s) {
  const std::optional<std::int64_t> n = number_arg(s, 0);
  if (!n) return nullptr;
  const auto it = fds_.find(*n);
  return it == fds_.end() ? nullptr : &it->second;
}

CallOutcome Calls::start(const SyscallEvent& s) {
  if (s.name == "socket") return socket_call(s);
  Fd* fd = fd_of(s);
  if (fd == nullptr) return error("EBADF");
  if (s.name == "setsockopt") return setsockopt(s, *fd);
  if (s.name == "getsockopt") return getsockopt(s, *fd);
  if (s.name == "fcntl") {
    fd->nonblocking = s.args.size() > 2 && s.args[2].text.find("O_NONBLOCK") != std::string::npos;
    return result(0);
  }
  if (s.name == "bind") return result(0);
  if (s.name == "listen") {
    // Linux: __sys_listen_socket() -> inet_csk_listen_start()
    fd->kind = FdKind::listener;
    peer_.stack().listen(number_arg(s, 1).value_or(0), fd->defer_accept, fd->syncnt);
    return result(0);
  }
  if (s.name == "accept" || s.name == "accept4") return accept(s, *fd, true);
  if (s.name == "connect") return connect(*fd);
  if (s.name == "read" || s.name == "recv") return read(s, *fd, true);
  if (s.name == "write" || s.name == "send") return write(s, *fd);
  if (s.name == "close") return close(*number_arg(s, 0), *fd);
  return cannot(s.name + "() is not modelled");
}

CallOutcome Calls::socket_call(const SyscallEvent&) {
  const std::int64_t n = lowest_free_fd();
  fds_[n] = Fd{};
  return result(n);
}

CallOutcome Calls::setsockopt(const SyscallEvent& s, Fd& fd) {
  const std::string_view opt = symbol_arg(s, 2);
  if (opt == "TCP_DEFER_ACCEPT") {
    fd.defer_accept = sec(number_arg(s, 3).value_or(0));
  } else if (opt == "TCP_SYNCNT") {
    fd.syncnt = number_arg(s, 3).value_or(0);
  } else if (opt == "SO_LINGER" && s.args.size() > 3) {
    std::int64_t onoff = 0, linger = -1;
    for (const Arg& f : s.args[3].elements) {
      if (f.text == "l_onoff") onoff = f.number;
      if (f.text == "l_linger") linger = f.number;
    }
    fd.linger_zero = onoff != 0 && linger == 0;
  }
  // SO_REUSEADDR, SO_RCVBUF, SO_SNDBUF, TCP_NODELAY: nothing the model's
  // handshake reads.
  return result(0);
}

CallOutcome Calls::getsockopt(const SyscallEvent& s, const Fd& fd) {
  // SO_ERROR: sock_error(); the script states the errno in its list.
  const std::string have = fd.kind == FdKind::client ? errno_of(peer_.client_error()) : "";
  std::string want;
  if (s.args.size() > 3 && s.args[3].kind == Arg::Kind::list && s.args[3].elements.size() == 1) {
    const Arg& a = s.args[3].elements[0];
    want = a.kind == Arg::Kind::symbol ? a.text : (a.number == 0 ? "" : std::to_string(a.number));
  }
  if (have != want) return error("SO_ERROR is " + (have.empty() ? std::string("0") : have));
  return result(0);
}

// Linux: inet_csk_accept(): a child from the accept queue, else EAGAIN
// (O_NONBLOCK) or sleep until one comes.
CallOutcome Calls::accept(const SyscallEvent&, Fd& fd, bool may_block) {
  if (fd.kind != FdKind::listener) return error("EINVAL");
  if (!peer_.stack().listener().accept_queue.empty()) {
    const std::int64_t conn = peer_.stack().accept();
    if (conn >= 0) {
      const std::int64_t n = lowest_free_fd();
      Fd child{FdKind::child};
      child.conn = static_cast<std::uint32_t>(conn);
      fds_[n] = child;
      return result(n);
    }
  }
  if (fd.nonblocking || !may_block) return error("EAGAIN");
  return blocks();
}

// Linux: tcp_v4_connect() -> tcp_connect(); a blocking connect() sleeps in
// inet_wait_for_connect() until established or failed.
CallOutcome Calls::connect(Fd& fd) {
  if (fd.kind == FdKind::client) return error("EALREADY");
  fd.kind = FdKind::client;
  fd.conn = kClientConn;
  peer_.set_stack_is_client();
  peer_.stack().connect(kClientConn, fd.defer_accept > Duration{});
  if (fd.nonblocking) return error("EINPROGRESS");
  return blocks();
}

std::uint32_t Calls::unread(const Fd& fd) const {
  const tcp::Conn& c = peer_.stack().conn(fd.conn);
  const std::uint32_t got = fd.kind == FdKind::child ? c.child.bytes_received : c.client.bytes_received;
  return got - std::min(got, fd.read);
}

bool Calls::fin_received(const Fd& fd) const {
  const tcp::Conn& c = peer_.stack().conn(fd.conn);
  return fd.kind == FdKind::child ? c.child.fin_received : c.client.fin_received;
}

// Linux: tcp_recvmsg(): what is queued, up to the buffer; 0 after the
// peer's FIN; EAGAIN or sleep when nothing is.
CallOutcome Calls::read(const SyscallEvent& s, Fd& fd, bool may_block) {
  if (fd.kind != FdKind::child && fd.kind != FdKind::client) return error("ENOTCONN");
  const std::uint32_t have = unread(fd);
  if (have == 0 && !fin_received(fd)) {
    if (fd.kind == FdKind::client && peer_.client_error() != tcp::SockError::none) {
      return error(errno_of(peer_.client_error()));
    }
    if (fd.nonblocking || !may_block) return error("EAGAIN");
    return blocks();
  }
  const std::int64_t want = number_arg(s, 2).value_or(have);
  const auto n = static_cast<std::uint32_t>(std::min<std::int64_t>(want, have));
  fd.read += n;
  if (fd.kind == FdKind::child) {
    peer_.stack().child_read(fd.conn);
  } else {
    peer_.stack().read(fd.conn);
  }
  return result(n);
}

// Linux: tcp_sendmsg(); the model sends what is written as one segment.
CallOutcome Calls::write(const SyscallEvent& s, Fd& fd) {
  const std::optional<std::int64_t> n = number_arg(s, 2);
  if (!n || *n < 0) return cannot("write() without a byte count");
  const tcp::Conn& c = peer_.stack().conn(fd.conn);
  if (fd.kind == FdKind::child) {
    if (c.child.state != tcp::ChildState::established || c.child.fin_sent) return error("EPIPE");
    peer_.stack().child_send(fd.conn, static_cast<std::uint32_t>(*n));
  } else if (fd.kind == FdKind::client) {
    if (c.client.state != tcp::ClientState::established) return error(c.client.error == tcp::SockError::none
                                                                          ? "EPIPE"
                                                                          : errno_of(c.client.error));
    peer_.stack().send(fd.conn, static_cast<std::uint32_t>(*n));
  } else {
    return error("ENOTCONN");
  }
  return result(*n);
}

// Linux: tcp_close(): a FIN, or a RST with SO_LINGER {1, 0}. Closing the
// listener only marks it closed (inet_csk_listen_stop() is not modelled:
// play.cc refuses a segment that would reach it afterwards).
CallOutcome Calls::close(std::int64_t n, Fd& fd) {
  switch (fd.kind) {
    case FdKind::socket: break;
    case FdKind::listener: listener_closed_ = true; break;
    case FdKind::child: peer_.stack().close_child(fd.conn); break;
    case FdKind::client: peer_.stack().close_client(fd.conn, fd.linger_zero); break;
  }
  fds_.erase(n);
  return result(0);
}

bool Calls::ready(const PendingCall& p) const {
  const SyscallEvent& s = *p.call;
  if (s.name == "accept" || s.name == "accept4") return !peer_.stack().listener().accept_queue.empty();
  if (s.name == "connect") return peer_.connected() || peer_.client_error() != tcp::SockError::none;
  if (s.name == "read" || s.name == "recv") {
    const auto n = number_arg(s, 0);
    const auto it = n ? fds_.find(*n) : fds_.end();
    if (it == fds_.end()) return true;
    return unread(it->second) > 0 || fin_received(it->second) ||
           (it->second.kind == FdKind::client && peer_.client_error() != tcp::SockError::none);
  }
  return true;
}

CallOutcome Calls::complete(const SyscallEvent& s) {
  if (s.name == "connect") {
    if (peer_.connected()) return result(0);
    return error(errno_of(peer_.client_error()));
  }
  Fd* fd = fd_of(s);
  if (fd == nullptr) return error("EBADF");
  if (s.name == "accept" || s.name == "accept4") return accept(s, *fd, false);
  return read(s, *fd, false);
}

}  // namespace synsim::packetdrill::detail
