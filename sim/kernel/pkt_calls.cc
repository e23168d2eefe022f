// The script's socket calls, made on the real kernel (pkt_local.h). Every
// socket is non-blocking underneath: a call the script makes blocking
// returns EAGAIN / EINPROGRESS here, is reported as blocked, and returns
// when poll() says it can (call_ready), as it would have woken. Results and
// errnos are the kernel's own.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "sim/kernel/pkt_local.h"

namespace synsim::kernel {

namespace {

using packetdrill::Arg;
using packetdrill::CallOutcome;
using packetdrill::SyscallEvent;
using packetdrill::number_arg;
using packetdrill::symbol_arg;

CallOutcome result(std::int64_t v) { return CallOutcome{false, v, {}, {}}; }
CallOutcome error_named(std::string name) { return CallOutcome{false, -1, std::move(name), {}}; }
CallOutcome cannot(std::string why) { return CallOutcome{false, 0, {}, std::move(why)}; }

std::string errno_name(int e) {
  const char* n = ::strerrorname_np(e);
  return n != nullptr ? n : std::to_string(e);
}
CallOutcome failed(int e) { return error_named(errno_name(e)); }


sockaddr_in address(PktEndpoint e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(e.addr);
  a.sin_port = htons(e.port);
  return a;
}

// The socket options the covered language names: level and name.
struct OptionName {
  std::string_view text;
  int level;
  int name;
};
constexpr OptionName kOptions[] = {
    {"SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR}, {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF},
    {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF},       {"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE},
    {"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY},  {"TCP_DEFER_ACCEPT", IPPROTO_TCP, TCP_DEFER_ACCEPT},
    {"TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT},    {"TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG},
};

}  // namespace

std::int64_t PktKernelLocal::lowest_free_fd() const {
  std::int64_t n = 3;  // as the model numbers them: 0-2 are stdin, stdout, stderr
  while (fds_.count(n)) ++n;
  return n;
}

PktFd* PktKernelLocal::fd_of(const SyscallEvent& s) {
  const std::optional<std::int64_t> n = number_arg(s, 0);
  if (!n) return nullptr;
  const auto it = fds_.find(*n);
  return it == fds_.end() ? nullptr : &it->second;
}

CallOutcome PktKernelLocal::block_on(const PktFd& fd, short events) {
  watch_ = pollfd{fd.real, events, 0};
  return CallOutcome{true, 0, {}, {}};
}

CallOutcome PktKernelLocal::start_call(const SyscallEvent& s) {
  if (s.name == "socket") {
    const int real = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (real < 0) return failed(errno);
    const std::int64_t n = lowest_free_fd();
    fds_[n] = PktFd{real};
    return result(n);
  }
  PktFd* fd = fd_of(s);
  if (fd == nullptr) return failed(EBADF);
  if (s.name == "setsockopt") return setsockopt(s, *fd);
  if (s.name == "getsockopt") return getsockopt(s, *fd);
  if (s.name == "fcntl") {
    fd->nonblocking = s.args.size() > 2 && s.args[2].text.find("O_NONBLOCK") != std::string::npos;
    return result(0);
  }
  if (s.name == "bind") {
    const sockaddr_in a = address(local_);
    return ::bind(fd->real, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 ? result(0) : failed(errno);
  }
  if (s.name == "listen") {
    fd->listener = true;
    return ::listen(fd->real, static_cast<int>(number_arg(s, 1).value_or(0))) == 0 ? result(0) : failed(errno);
  }
  if (s.name == "accept" || s.name == "accept4") return accept(*fd, true);
  if (s.name == "connect") return connect(*fd);
  if (s.name == "read" || s.name == "recv") return read(s, *fd, true);
  if (s.name == "write" || s.name == "send") return write(s, *fd);
  if (s.name == "close") {
    const int real = fd->real;
    fds_.erase(*number_arg(s, 0));
    return ::close(real) == 0 ? result(0) : failed(errno);
  }
  return cannot(s.name + "() is not played on the kernel");
}

CallOutcome PktKernelLocal::setsockopt(const SyscallEvent& s, PktFd& fd) {
  const std::string_view opt = symbol_arg(s, 2);
  if (opt == "SO_LINGER" && s.args.size() > 3) {
    linger l{};
    for (const Arg& f : s.args[3].elements) {
      if (f.text == "l_onoff") l.l_onoff = static_cast<int>(f.number);
      if (f.text == "l_linger") l.l_linger = static_cast<int>(f.number);
    }
    return ::setsockopt(fd.real, SOL_SOCKET, SO_LINGER, &l, sizeof l) == 0 ? result(0) : failed(errno);
  }
  for (const OptionName& o : kOptions) {
    if (o.text != opt) continue;
    const int v = static_cast<int>(number_arg(s, 3).value_or(0));
    return ::setsockopt(fd.real, o.level, o.name, &v, sizeof v) == 0 ? result(0) : failed(errno);
  }
  return cannot(std::string("setsockopt ") + std::string(opt) + " is not played on the kernel");
}

// SO_ERROR as the model judges it (calls.cc): the script states the errno
// it expects in its list.
CallOutcome PktKernelLocal::getsockopt(const SyscallEvent& s, PktFd& fd) {
  int e = 0;
  socklen_t len = sizeof e;
  if (::getsockopt(fd.real, SOL_SOCKET, SO_ERROR, &e, &len) != 0) return failed(errno);
  const std::string have = e == 0 ? "" : errno_name(e);
  std::string want;
  if (s.args.size() > 3 && s.args[3].kind == Arg::Kind::list && s.args[3].elements.size() == 1) {
    const Arg& a = s.args[3].elements[0];
    want = a.kind == Arg::Kind::symbol ? a.text : (a.number == 0 ? "" : std::to_string(a.number));
  }
  if (have != want) return error_named("SO_ERROR is " + (have.empty() ? std::string("0") : have));
  return result(0);
}

CallOutcome PktKernelLocal::accept(PktFd& fd, bool may_block) {
  const int real = ::accept4(fd.real, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (real >= 0) {
    const std::int64_t n = lowest_free_fd();
    fds_[n] = PktFd{real};
    return result(n);
  }
  if (errno != EAGAIN || fd.nonblocking || !may_block) return failed(errno);
  return block_on(fd, POLLIN);
}

CallOutcome PktKernelLocal::connect(PktFd& fd) {
  const sockaddr_in a = address(PktEndpoint{kRemoteAddr, kLocalPort});
  if (::connect(fd.real, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) return result(0);
  if (errno != EINPROGRESS) return failed(errno);
  // The peer answers the port the kernel chose: the remote peer's
  // segments go to it, from the port connect() named.
  sockaddr_in mine{};
  socklen_t len = sizeof mine;
  ::getsockname(fd.real, reinterpret_cast<sockaddr*>(&mine), &len);
  local_.port = ntohs(mine.sin_port);
  default_remote_ = kLocalPort;
  if (fd.nonblocking) return failed(EINPROGRESS);
  return block_on(fd, POLLOUT);
}

CallOutcome PktKernelLocal::read(const SyscallEvent& s, PktFd& fd, bool may_block) {
  const std::int64_t want = number_arg(s, 2).value_or(65536);
  std::vector<char> buf(static_cast<std::size_t>(want < 1 ? 1 : want));
  const ssize_t n = ::recv(fd.real, buf.data(), buf.size(), MSG_DONTWAIT);
  if (n >= 0) return result(n);
  if (errno != EAGAIN || fd.nonblocking || !may_block) return failed(errno);
  return block_on(fd, POLLIN | POLLRDHUP);
}

CallOutcome PktKernelLocal::write(const SyscallEvent& s, PktFd& fd) {
  const std::optional<std::int64_t> n = number_arg(s, 2);
  if (!n || *n < 0) return cannot("write() without a byte count");
  const std::vector<char> bytes(static_cast<std::size_t>(*n), 0);
  const ssize_t w = ::send(fd.real, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  return w >= 0 ? result(w) : failed(errno);
}

bool PktKernelLocal::call_ready(const packetdrill::PendingCall&) {
  if (watch_.fd < 0) return true;
  pollfd q{watch_.fd, watch_.events, 0};
  if (::poll(&q, 1, 0) <= 0) return false;
  return q.revents != 0;  // POLLERR and POLLHUP wake a blocked call too
}

CallOutcome PktKernelLocal::complete_call(const SyscallEvent& s) {
  watch_ = pollfd{-1, 0, 0};
  PktFd* fd = fd_of(s);
  if (fd == nullptr) return failed(EBADF);
  if (s.name == "connect") {
    int e = 0;
    socklen_t len = sizeof e;
    ::getsockopt(fd->real, SOL_SOCKET, SO_ERROR, &e, &len);
    return e == 0 ? result(0) : failed(e);
  }
  if (s.name == "accept" || s.name == "accept4") return accept(*fd, false);
  return read(s, *fd, false);
}

}  // namespace synsim::kernel
