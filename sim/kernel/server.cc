#include "sim/kernel/server.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

#include "sim/kernel/runner.h"
#include "sim/kernel/socket_errors.h"

namespace synsim::kernel {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

struct Server::Child {
  tcp::socket sock;
  ServerChildRecord rec;
  Child* prev = nullptr;
  Child* next = nullptr;
  int pending = 0;  // operations whose handler has not run yet
  bool closed = false;
  std::array<char, 4096> buf{};
  explicit Child(const asio::any_io_executor& ex) : sock(ex) {}
};

Server::Server(const scenario::Scenario& sc, asio::io_context& io, const std::atomic<bool>& stopping)
    : sc_(sc),
      io_(io),
      stopping_(stopping),
      accept_strand_(asio::make_strand(io)),
      acceptor_(accept_strand_),
      response_(sc.server.on_data.respond_bytes, 'y'),
      per_child_strand_(sc.server.threads > 1) {}

Server::~Server() {
  // Children whose handlers never ran (the io_context was not polled).
  while (live_ != nullptr) {
    Child* ch = live_;
    live_ = ch->next;
    delete ch;
  }
}

void Server::listen() {
  const scenario::ServerSpec& s = sc_.server;
  error_code ec;
  const auto addr = asio::ip::make_address_v4(s.address, ec);
  if (ec) throw Unsupported(fmt::format("server address '{}' is not IPv4: {}", s.address, ec.message()));
  endpoint_ = tcp::endpoint(addr, s.port);
  acceptor_.open(tcp::v4(), ec);
  if (ec) throw EnvironmentError(fmt::format("socket() for the listener: {}", ec.message()));
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  const int fd = acceptor_.native_handle();
  if (s.defer_accept > Duration{0}) {
    // Seconds, rounded up: the kernel converts them to SYN-ACK retransmissions.
    const std::int64_t secs = (to_ns(s.defer_accept) + 999'999'999) / 1'000'000'000;
    const int v = static_cast<int>(std::min<std::int64_t>(secs, INT32_MAX));
    if (::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &v, sizeof v) != 0) {
      throw EnvironmentError(fmt::format("setsockopt(TCP_DEFER_ACCEPT) on the listener: {}", std::strerror(errno)));
    }
  }
  if (s.syncnt) {
    const int v = static_cast<int>(*s.syncnt);
    if (::setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &v, sizeof v) != 0) {
      throw EnvironmentError(fmt::format("setsockopt(TCP_SYNCNT) on the listener: {}", std::strerror(errno)));
    }
  }
  acceptor_.bind(endpoint_, ec);
  if (ec) throw EnvironmentError(fmt::format("bind({}:{}): {}", s.address, s.port, ec.message()));
  // listen() clamps to net.core.somaxconn itself, as it does for the model.
  const int backlog = static_cast<int>(std::min<std::int64_t>(s.backlog, INT32_MAX));
  acceptor_.listen(backlog, ec);
  if (ec) throw EnvironmentError(fmt::format("listen(): {}", ec.message()));
  acceptor_.non_blocking(true, ec);
}

void Server::start(SteadyTime t0) {
  timeline_.emplace(accept_strand_, t0, [this](std::uint32_t kind, std::uint32_t) {
    switch (static_cast<Event>(kind)) {
      case kAccept:
        accept_retry_pending_ = false;
        try_accept();
        return;
    }
  });
  if (sc_.server.accept.never) return;
  const Time first = sc_.server.accept.start ? kTimeZero + *sc_.server.accept.start : kTimeZero;
  timeline_->at(first, kAccept, 0);
}

// Before accept.start: when accepting may begin (t when it may go on now).
// Pauses stop the whole server instead (safepoint).
Time Server::accept_blocked_until(Time t) const {
  const scenario::AcceptSpec& a = sc_.server.accept;
  return a.start && t < kTimeZero + *a.start ? kTimeZero + *a.start : t;
}

// A stop-the-world pause (accept.pauses) in progress: the thread sleeps to
// its end before its handler goes on. Every handler passes here first, so
// no server work starts inside a pause on any thread, work queued when it
// began included (Machine::pause: no task starts in [from, until)); a
// thread idle in epoll_wait() stays idle, as a paused process's would.
void Server::safepoint() {
  const std::vector<scenario::AcceptPause>& pauses = sc_.server.accept.pauses;
  if (pauses.empty()) return;
  const Time t = now();
  for (const scenario::AcceptPause& p : pauses) {
    if (t >= kTimeZero + p.at && t < kTimeZero + p.at + p.length) {
      sleep_until(timeline_->t0() + std::chrono::nanoseconds(to_ns(p.at + p.length)), stopping_);
    }
  }
}

// The accept loop (World::try_accept): nothing before `start`, nothing
// during a pause; per_accept_cost of CPU after each accept(); at most
// per_wakeup accept() calls before the loop serves its other handlers.
void Server::try_accept() {
  const scenario::AcceptSpec& a = sc_.server.accept;
  if (a.never || stopping_.load(std::memory_order_relaxed)) return;
  const std::uint32_t limit = a.per_wakeup == 0 ? 1'000'000 : a.per_wakeup;
  for (std::uint32_t n = 0; n < limit; ++n) {
    safepoint();
    const Time t = now();
    const Time wake = accept_blocked_until(t);
    if (wake > t) {
      if (!(accept_retry_pending_ && accept_retry_at_ == wake)) {
        accept_retry_pending_ = true;
        accept_retry_at_ = wake;
        timeline_->at(wake, kAccept, 0);
      }
      return;
    }
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept4(acceptor_.native_handle(), reinterpret_cast<sockaddr*>(&peer), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      const int e = errno;
      if (e == EMFILE || e == ENFILE) {
        throw EnvironmentError("out of file descriptors in accept(): raise ulimit -n");
      }
      // A child reset while queued (ECONNABORTED) costs an accept() and is gone.
      if (e == ECONNABORTED || e == EINTR) continue;
      wait_acceptable();  // EAGAIN: the accept queue is empty
      return;
    }
    on_accepted(fd, ntohs(peer.sin_port));
    if (a.per_accept_cost > Duration{0}) spin_for(a.per_accept_cost, stopping_);
  }
  if (a.per_wakeup == 0) {
    wait_acceptable();
    return;
  }
  // per_wakeup reached: look at the listener again behind the handlers that
  // are already ready (other children, the loader's packets' effects).
  asio::post(accept_strand_, [this] { try_accept(); });
}

void Server::wait_acceptable() {
  if (accept_waiting_) return;
  accept_waiting_ = true;
  acceptor_.async_wait(tcp::acceptor::wait_read, [this](const error_code& ec) {
    accept_waiting_ = false;
    if (!ec) try_accept();
  });
}

void Server::on_accepted(int fd, std::uint16_t peer_port) {
  const asio::any_io_executor ex =
      per_child_strand_ ? asio::any_io_executor(asio::make_strand(io_)) : asio::any_io_executor(io_.get_executor());
  auto* ch = new Child(ex);
  error_code ec;
  ch->sock.assign(tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    delete ch;
    return;
  }
  ch->rec.port = peer_port;
  ch->rec.accepted = now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ch->next = live_;
    if (live_ != nullptr) live_->prev = ch;
    live_ = ch;
  }
  // The first read runs on the child's own executor (its strand).
  ++ch->pending;
  asio::post(ch->sock.get_executor(), [this, ch] { child_read(ch); });
}

void Server::child_read(Child* ch) {
  safepoint();
  --ch->pending;  // the post that brought us here, or the previous read
  if (ch->closed) {
    release_if_done(ch);
    return;
  }
  ++ch->pending;
  ch->sock.async_read_some(asio::buffer(ch->buf),
                           [this, ch](const error_code& ec, std::size_t) { on_child_read(ch, ec); });
}

void Server::on_child_read(Child* ch, const error_code& ec) {
  safepoint();
  if (ch->closed) {
    --ch->pending;
    release_if_done(ch);
    return;
  }
  if (ec) {
    --ch->pending;
    // EOF: the server reads it and closes its side; errors end it too.
    if (ec != asio::error::eof) {
      ServerNote n{ch->rec.port, ch->rec.accepted, now(), socket_error_reason(ec)};
      n.reason.kind = outcome::ReasonKind::kernel_server_read_error;
      std::lock_guard<std::mutex> lock(mu_);
      result_.notes.push_back(std::move(n));
    }
    child_close(ch);
    release_if_done(ch);
    return;
  }
  if (!ch->rec.delivered) {
    ch->rec.delivered = now();
    const Duration cost = sc_.server.on_data.cost;
    if (cost > Duration{0}) spin_for(cost, stopping_);
    respond(ch);
  }
  child_read(ch);  // drops this read's pending count, starts the next
}

void Server::respond(Child* ch) {
  const scenario::OnDataSpec& d = sc_.server.on_data;
  const bool close_after = d.close == scenario::ServerClose::after_response;
  if (d.respond_bytes == 0) {
    if (close_after) child_close(ch);
    return;
  }
  error_code ec;
  const std::size_t n = ch->sock.send(asio::buffer(response_), MSG_NOSIGNAL, ec);
  if (ec && ec != asio::error::would_block) {
    child_close(ch);
    return;
  }
  const std::size_t done = ec ? 0 : n;
  if (done == response_.size()) {
    if (close_after) {
      // The FIN goes out by the very next system call: the loader, on
      // another CPU, already holds the response and closes as soon as it
      // has read it, and the model sends the server's data and FIN in one
      // go, before the client can answer. Asio's close() would first take
      // the reactor's locks (hundreds of µs under ThreadSanitizer, enough
      // for the client's FIN to go first).
      ::shutdown(ch->sock.native_handle(), SHUT_WR);
      child_close(ch);
    }
    return;
  }
  ++ch->pending;
  asio::async_write(ch->sock, asio::buffer(response_.data() + done, response_.size() - done),
                    [this, ch, close_after](const error_code& e, std::size_t) {
                      safepoint();
                      --ch->pending;
                      if (!ch->closed && (e || close_after)) child_close(ch);
                      release_if_done(ch);
                    });
}

void Server::child_close(Child* ch) {
  if (ch->closed) return;
  ch->closed = true;
  error_code ec;
  ch->sock.close(ec);
}

void Server::release_if_done(Child* ch) {
  if (!ch->closed || ch->pending > 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ch->prev != nullptr) ch->prev->next = ch->next;
    if (ch->next != nullptr) ch->next->prev = ch->prev;
    if (live_ == ch) live_ = ch->next;
    result_.children.push_back(ch->rec);
  }
  delete ch;
}

void Server::close_all() {
  if (timeline_) timeline_->cancel();
  error_code ec;
  acceptor_.close(ec);
  std::lock_guard<std::mutex> lock(mu_);
  for (Child* ch = live_; ch != nullptr; ch = ch->next) {
    if (ch->closed) continue;
    ch->sock.set_option(asio::socket_base::linger(true, 0), ec);
    child_close(ch);
  }
}

ServerResult Server::take() {
  std::lock_guard<std::mutex> lock(mu_);
  // Children still waiting for a handler: what they saw so far.
  for (Child* ch = live_; ch != nullptr; ch = ch->next) result_.children.push_back(ch->rec);
  return std::move(result_);
}

}  // namespace synsim::kernel
