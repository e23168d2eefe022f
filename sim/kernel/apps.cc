#include "sim/kernel/apps.h"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <list>
#include <map>
#include <memory>
#include <optional>

#include "sim/kernel/netns.h"

namespace synsim::kernel {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using scenario::ArrivalSpec;
using scenario::CloseSpec;
using scenario::SendSpec;
using SteadyTime = std::chrono::steady_clock::time_point;

// Application events in (time, insertion) order, on one timer: what the
// model's event queue does, in real time. Several events due together run
// back to back, in the order they were scheduled.
class Timeline {
 public:
  Timeline(asio::io_context& io, SteadyTime t0) : timer_(io), t0_(t0) {}

  Time now() const { return Time{std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - t0_)}; }

  void at(Time t, std::function<void()> fn) {
    events_.emplace(std::make_pair(to_ns(t), seq_++), std::move(fn));
    arm();
  }

 private:
  void arm() {
    if (events_.empty()) return;
    const std::int64_t first = events_.begin()->first.first;
    if (waiting_ && armed_for_ == first) return;
    armed_for_ = first;
    waiting_ = true;
    const std::uint64_t gen = ++generation_;
    timer_.expires_at(t0_ + std::chrono::nanoseconds(first));
    timer_.async_wait([this, gen](const error_code& ec) {
      if (ec == asio::error::operation_aborted || gen != generation_) return;
      waiting_ = false;
      fire();
    });
  }

  void fire() {
    // Bounded: every due event runs once; events they add for "now" run in
    // this same pass, after those already due.
    for (std::uint64_t n = 0; n < 10'000'000 && !events_.empty(); ++n) {
      const auto it = events_.begin();
      if (it->first.first > to_ns(now())) break;
      std::function<void()> fn = std::move(it->second);
      events_.erase(it);
      fn();
    }
    arm();
  }

  asio::steady_timer timer_;
  SteadyTime t0_;
  std::map<std::pair<std::int64_t, std::uint64_t>, std::function<void()>> events_;
  std::uint64_t seq_ = 0;
  std::uint64_t generation_ = 0;
  std::int64_t armed_for_ = 0;
  bool waiting_ = false;
};

const char* errno_name(int e) {
  switch (e) {
    case ECONNRESET: return "ECONNRESET";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNABORTED: return "ECONNABORTED";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: return nullptr;
  }
}

std::string error_name(const error_code& ec) {
  if (ec.category() == boost::system::system_category()) {
    if (const char* n = errno_name(ec.value())) return n;
  }
  return ec.message();
}

bool is_descriptor_limit(const error_code& ec) {
  return ec.category() == boost::system::system_category() && (ec.value() == EMFILE || ec.value() == ENFILE);
}

class Apps {
 public:
  Apps(const scenario::Scenario& sc, const KernelOptions& opt, const AppsPlacement& place)
      : sc_(sc), opt_(opt), place_(place), acceptor_(io_) {
    std::uint32_t conn = 0;
    for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
      groups_.push_back(Group{conn, 0});
      for (std::uint32_t i = 0; i < sc.clients[g].count; ++i, ++conn) {
        outcome::ConnectionRecord r;
        r.name = fmt::format("{}#{}", sc.clients[g].name, i);
        r.group = sc.clients[g].name;
        r.index = i;
        res_.records.push_back(std::move(r));
        clients_.emplace_back();
        clients_.back().group = g;
      }
    }
    request_.assign(1, 'x');
    response_.assign(sc.server.on_data.respond_bytes, 'y');
  }

  AppsResult run(const std::function<void(std::int64_t)>& at_deadline) {
    if (place_.enter_server_side) place_.enter_server_side();
    listen();
    if (place_.enter_client_side) place_.enter_client_side();
    const SteadyTime t0 = std::chrono::steady_clock::now();
    res_.t0_mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
    timeline_.emplace(io_, t0);
    start();
    auto guard = asio::make_work_guard(io_);
    const SteadyTime deadline = t0 + std::chrono::nanoseconds(to_ns(sc_.duration));
    std::exception_ptr failure;
    try {
      // Bounded by the deadline; checks every 50 ms whether the user asked
      // to stop (SIGINT/SIGTERM -> request_stop()).
      while (std::chrono::steady_clock::now() < deadline && !io_.stopped()) {
        if (stop_requested()) {
          res_.stopped_early = true;
          res_.stopped_at_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - t0)
                                   .count();
          break;
        }
        io_.run_until(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
      }
    } catch (...) {
      failure = std::current_exception();
    }
    if (!failure) at_deadline(res_.t0_mono_ns);
    teardown();
    if (failure) std::rethrow_exception(failure);
    return std::move(res_);
  }

 private:
  struct Client {
    std::uint32_t group = 0;
    std::unique_ptr<tcp::socket> sock;
    bool connected = false;
    bool closing = false;
    bool over = false;
    bool exchanged = false;
    std::uint32_t response_bytes = 0;
    std::array<char, 4096> buf{};
    std::unique_ptr<asio::steady_timer> poll;
  };

  struct Child {
    tcp::socket sock;
    std::int64_t conn = -1;
    bool delivered = false;
    bool closed = false;
    std::array<char, 4096> buf{};
    explicit Child(tcp::socket s) : sock(std::move(s)) {}
  };

  struct Group {
    std::uint32_t first_conn = 0;
    std::uint32_t next_index = 0;
  };

  Time now() const { return timeline_->now(); }
  const scenario::ClientGroup& group_of(std::uint32_t c) const { return sc_.clients[clients_[c].group]; }

  void note(std::uint32_t conn, std::string text) { res_.notes.push_back(AppNote{now(), conn, std::move(text)}); }

  // --- setup ---------------------------------------------------------------

  void listen() {
    const scenario::ServerSpec& s = sc_.server;
    error_code ec;
    const auto addr = asio::ip::make_address_v4(s.address, ec);
    if (ec) throw Unsupported(fmt::format("server address '{}' is not IPv4: {}", s.address, ec.message()));
    server_ep_ = tcp::endpoint(addr, s.port);
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
    acceptor_.bind(server_ep_, ec);
    if (ec) throw EnvironmentError(fmt::format("bind({}:{}): {}", s.address, s.port, ec.message()));
    // listen() clamps to net.core.somaxconn itself, as it does for the model.
    const int backlog = static_cast<int>(std::min<std::int64_t>(s.backlog, INT32_MAX));
    acceptor_.listen(backlog, ec);
    if (ec) throw EnvironmentError(fmt::format("listen(): {}", ec.message()));
    acceptor_.non_blocking(true, ec);
  }

  void start() {
    for (std::uint32_t g = 0; g < sc_.clients.size(); ++g) {
      const scenario::ClientGroup& grp = sc_.clients[g];
      Time first = kTimeZero + grp.start;
      if (grp.arrival.kind == ArrivalSpec::Kind::burst) first = kTimeZero + grp.arrival.burst_at;
      timeline_->at(first, [this, g, first] { next_arrival(g, first); });
    }
    if (!sc_.server.accept.never) {
      const Time first = sc_.server.accept.start ? kTimeZero + *sc_.server.accept.start : kTimeZero;
      timeline_->at(first, [this] { try_accept(); });
    }
  }

  // --- clients -------------------------------------------------------------

  // One pending event per group, as in the model: `due` is when this arrival
  // was meant to happen, so real-time lateness does not accumulate.
  void next_arrival(std::uint32_t g, Time due) {
    const scenario::ClientGroup& grp = sc_.clients[g];
    Group& gs = groups_[g];
    switch (grp.arrival.kind) {
      case ArrivalSpec::Kind::spaced:
      case ArrivalSpec::Kind::burst:
      case ArrivalSpec::Kind::rate: {
        Duration gap = grp.spacing;
        if (grp.arrival.kind == ArrivalSpec::Kind::burst) gap = Duration{0};
        if (grp.arrival.kind == ArrivalSpec::Kind::rate) {
          gap = Duration{static_cast<std::int64_t>(1'000'000'000ull / grp.arrival.rate_per_s)};
        }
        do {
          start_connection(gs.first_conn + gs.next_index++);
        } while (gap == Duration{0} && gs.next_index < grp.count);
        if (gs.next_index < grp.count) {
          const Time next = due + gap;
          timeline_->at(next, [this, g, next] { next_arrival(g, next); });
        }
        return;
      }
      case ArrivalSpec::Kind::concurrency:
        while (gs.next_index < grp.count && gs.next_index < grp.arrival.concurrency) {
          start_connection(gs.first_conn + gs.next_index++);
        }
        return;
    }
  }

  void start_connection(std::uint32_t c) {
    const scenario::ClientGroup& grp = group_of(c);
    Client& cl = clients_[c];
    outcome::ConnectionRecord& r = res_.records[c];
    r.connect_start = now();
    cl.sock = std::make_unique<tcp::socket>(io_);
    error_code ec;
    cl.sock->open(tcp::v4(), ec);
    if (ec) {
      if (is_descriptor_limit(ec)) throw EnvironmentError(descriptor_message(c));
      fail(c, ec, "socket()");
      return;
    }
    if (grp.defer_final_ack) {
      // Any positive value: tcp_rcv_synsent_state_process() then holds the
      // final ACK back (up to TCP_DELACK_MAX) until data can carry it.
      const int one = 1;
      if (::setsockopt(cl.sock->native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof one) != 0) {
        throw EnvironmentError(fmt::format("setsockopt(TCP_DEFER_ACCEPT) on a client: {}", std::strerror(errno)));
      }
    }
    if (!place_.client_bind_address.empty()) {
      const auto port = static_cast<std::uint16_t>(place_.client_port_base + c);
      cl.sock->set_option(tcp::socket::reuse_address(true), ec);
      cl.sock->bind(tcp::endpoint(asio::ip::make_address_v4(place_.client_bind_address), port), ec);
      if (ec) throw EnvironmentError(fmt::format("bind({}:{}) for {}: {}", place_.client_bind_address, port, r.name,
                                                 ec.message()));
    }
    if (grp.close.kind == CloseSpec::Kind::at) timeline_->at(kTimeZero + grp.close.at, [this, c] { client_close(c); });
    // The port is chosen by connect() itself (as an unbound socket's would
    // be), so TIME_WAIT ports are reused the way real clients reuse them.
    // Asio calls connect() inside async_connect, so the port is known here.
    cl.sock->async_connect(server_ep_, [this, c](const error_code& e) { on_connect(c, e); });
    tcp::endpoint local = cl.sock->local_endpoint(ec);
    if (!ec && local.port() != 0) {
      r.client_port = local.port();
      res_.ports.push_back(PortUse{local.port(), c, *r.connect_start});
    }
  }

  std::string descriptor_message(std::uint32_t c) const {
    return fmt::format(
        "out of file descriptors at connection {} ({} connections started): raise the limit "
        "(ulimit -n; the runner already raised its soft limit to the hard limit) or use fewer concurrent "
        "connections",
        res_.records[c].name, c);
  }

  void on_connect(std::uint32_t c, const error_code& ec) {
    Client& cl = clients_[c];
    if (ec == asio::error::operation_aborted || cl.over) return;
    if (ec) {
      if (ec.category() == boost::system::system_category() && ec.value() == EADDRNOTAVAIL) {
        throw EnvironmentError(ports_message(c));
      }
      fail(c, ec, "connect()");
      return;
    }
    outcome::ConnectionRecord& r = res_.records[c];
    r.connect_done = now();
    cl.connected = true;
    if (r.client_port == 0) {
      error_code e;
      const tcp::endpoint local = cl.sock->local_endpoint(e);
      if (!e) {
        r.client_port = local.port();
        res_.ports.push_back(PortUse{local.port(), c, *r.connect_start});
      }
    }
    const scenario::ClientGroup& grp = group_of(c);
    if (grp.send) {
      const Time t =
          grp.send->anchor == SendSpec::Anchor::absolute ? kTimeZero + grp.send->time : now() + grp.send->time;
      timeline_->at(t, [this, c] { client_send(c); });
    } else if (grp.close.kind == CloseSpec::Kind::after_response) {
      timeline_->at(now(), [this, c] { client_close(c); });
    }
    client_read(c);
  }

  std::string ports_message(std::uint32_t c) const {
    std::string range = "?";
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    long lo = 0, hi = 0;
    if (in >> lo >> hi) range = fmt::format("{}-{} ({} ports)", lo, hi, hi - lo + 1);
    return fmt::format(
        "ephemeral ports exhausted at connection {} after {} connect() calls: net.ipv4.ip_local_port_range is {} "
        "and connections closed by the client hold their port in TIME_WAIT; use fewer or slower connections, "
        "close_style: rst (no TIME_WAIT), or a server that closes first",
        res_.records[c].name, c, range);
  }

  void client_send(std::uint32_t c) {
    Client& cl = clients_[c];
    if (!cl.connected || cl.closing || cl.over) return;
    outcome::ConnectionRecord& r = res_.records[c];
    const std::uint32_t bytes = group_of(c).send->bytes;
    if (request_.size() < bytes) request_.assign(bytes, 'x');
    r.first_data_sent = now();
    // MSG_NOSIGNAL: a write to a reset connection is EPIPE, not SIGPIPE.
    error_code ec;
    const std::size_t n = cl.sock->send(asio::buffer(request_.data(), bytes), MSG_NOSIGNAL, ec);
    if (ec == asio::error::would_block) {
      asio::async_write(*cl.sock, asio::buffer(request_.data(), bytes), [this, c](const error_code& e, std::size_t) {
        if (e && e != asio::error::operation_aborted) fail(c, e, "write()");
      });
    } else if (ec) {
      fail(c, ec, "write()");
      return;
    } else if (n < bytes) {
      asio::async_write(*cl.sock, asio::buffer(request_.data() + n, bytes - n),
                        [this, c](const error_code& e, std::size_t) {
                          if (e && e != asio::error::operation_aborted) fail(c, e, "write()");
                        });
    }
    if (sc_.server.on_data.respond_bytes == 0 && group_of(c).close.kind == CloseSpec::Kind::after_response) {
      poll_acked(c);
    }
  }

  // respond_bytes 0: the exchange is over when the request is acknowledged.
  // SIOCOUTQ is write_seq - snd_una for TCP: 0 once every byte is acked.
  void poll_acked(std::uint32_t c) {
    Client& cl = clients_[c];
    if (cl.closing || cl.over || cl.exchanged) return;
    int outq = -1;
    if (::ioctl(cl.sock->native_handle(), SIOCOUTQ, &outq) == 0 && outq == 0) {
      after_exchange(c);
      return;
    }
    if (!cl.poll) cl.poll = std::make_unique<asio::steady_timer>(io_);
    cl.poll->expires_after(std::chrono::nanoseconds(to_ns(opt_.ack_poll_interval)));
    cl.poll->async_wait([this, c](const error_code& e) {
      if (!e) poll_acked(c);
    });
  }

  void after_exchange(std::uint32_t c) {
    Client& cl = clients_[c];
    if (cl.exchanged) return;
    cl.exchanged = true;
    if (group_of(c).close.kind == CloseSpec::Kind::after_response) {
      timeline_->at(now(), [this, c] { client_close(c); });
    }
  }

  void client_read(std::uint32_t c) {
    Client& cl = clients_[c];
    if (cl.closing || cl.over) return;
    cl.sock->async_read_some(asio::buffer(cl.buf), [this, c](const error_code& ec, std::size_t n) {
      Client& k = clients_[c];
      if (ec == asio::error::operation_aborted || k.closing || k.over) return;
      if (ec == asio::error::eof) {
        // read() returned 0: the application closes, unless it never closes.
        if (group_of(c).close.kind != CloseSpec::Kind::never) timeline_->at(now(), [this, c] { client_close(c); });
        return;
      }
      if (ec) {
        fail(c, ec, "read()");
        return;
      }
      outcome::ConnectionRecord& r = res_.records[c];
      if (!r.response_received) r.response_received = now();
      k.response_bytes += static_cast<std::uint32_t>(n);
      if (sc_.server.on_data.respond_bytes > 0 && k.response_bytes >= sc_.server.on_data.respond_bytes) {
        after_exchange(c);
      }
      client_read(c);
    });
  }

  void client_close(std::uint32_t c) {
    Client& cl = clients_[c];
    if (cl.closing || cl.over || !cl.sock) return;
    cl.closing = true;
    error_code ec;
    if (group_of(c).close_style == scenario::CloseStyle::rst) {
      cl.sock->set_option(asio::socket_base::linger(true, 0), ec);
    }
    cl.sock->close(ec);
    if (cl.poll) cl.poll->cancel();
    res_.records[c].closed = now();
    connection_over(c);
  }

  // A socket error is an outcome of the connection, not a failure of the run.
  void fail(std::uint32_t c, const error_code& ec, const char* call) {
    Client& cl = clients_[c];
    if (cl.over) return;
    outcome::ConnectionRecord& r = res_.records[c];
    r.closed = now();
    r.error = error_name(ec);
    const int e = ec.category() == boost::system::system_category() ? ec.value() : 0;
    if (e == ETIMEDOUT) {
      r.outcome = outcome::ConnectionOutcome::timed_out;
    } else if (e == ECONNREFUSED) {
      r.outcome = outcome::ConnectionOutcome::refused;
    } else {
      r.outcome = outcome::ConnectionOutcome::reset;
    }
    note(c, fmt::format("kernel: {} on {}", r.error, call));
    error_code ignored;
    if (cl.sock) cl.sock->close(ignored);
    if (cl.poll) cl.poll->cancel();
    connection_over(c);
  }

  void connection_over(std::uint32_t c) {
    Client& cl = clients_[c];
    if (cl.over) return;
    cl.over = true;
    const std::uint32_t g = cl.group;
    const scenario::ClientGroup& grp = sc_.clients[g];
    if (grp.arrival.kind != ArrivalSpec::Kind::concurrency) return;
    Group& gs = groups_[g];
    if (gs.next_index < grp.count) {
      const std::uint32_t next = gs.first_conn + gs.next_index++;
      timeline_->at(now(), [this, next] { start_connection(next); });
    }
  }

  // --- server --------------------------------------------------------------

  // The accept loop (World::try_accept): nothing before `start`, nothing
  // during a pause, one accept per per_accept_cost; otherwise everything
  // queued, as soon as it is queued.
  void try_accept() {
    const scenario::AcceptSpec& a = sc_.server.accept;
    if (a.never) return;
    const Time t = now();
    Time wake{};
    if (a.start && t < kTimeZero + *a.start) wake = kTimeZero + *a.start;
    for (const scenario::AcceptPause& p : a.pauses) {
      if (t >= kTimeZero + p.at && t < kTimeZero + p.at + p.length) wake = kTimeZero + p.at + p.length;
    }
    if (t < busy_until_ && busy_until_ > wake) wake = busy_until_;
    if (wake > t) {
      if (!(accept_retry_pending_ && accept_retry_at_ == wake)) {
        accept_retry_pending_ = true;
        accept_retry_at_ = wake;
        timeline_->at(wake, [this] {
          accept_retry_pending_ = false;
          try_accept();
        });
      }
      return;
    }
    for (int n = 0; n < 1'000'000; ++n) {
      tcp::socket s(io_);
      error_code ec;
      acceptor_.accept(s, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        wait_acceptable();
        return;
      }
      if (ec) {
        if (is_descriptor_limit(ec)) throw EnvironmentError("out of file descriptors in accept(): raise ulimit -n");
        wait_acceptable();
        return;
      }
      on_accepted(std::move(s));
      if (a.per_accept_cost > Duration{0}) {
        busy_until_ = now() + a.per_accept_cost;
        timeline_->at(busy_until_, [this] { try_accept(); });
        return;
      }
    }
    wait_acceptable();
  }

  void wait_acceptable() {
    if (accept_waiting_) return;
    accept_waiting_ = true;
    acceptor_.async_wait(tcp::acceptor::wait_read, [this](const error_code& ec) {
      accept_waiting_ = false;
      if (!ec) try_accept();
    });
  }

  std::int64_t conn_of_port(std::uint16_t port) const {
    for (auto it = res_.ports.rbegin(); it != res_.ports.rend(); ++it) {
      if (it->port == port) return it->conn;
    }
    return -1;
  }

  void on_accepted(tcp::socket s) {
    error_code ec;
    const tcp::endpoint peer = s.remote_endpoint(ec);
    children_.push_back(std::make_unique<Child>(std::move(s)));
    Child* ch = children_.back().get();
    ch->conn = ec ? -1 : conn_of_port(peer.port());
    if (ch->conn >= 0) res_.records[static_cast<std::size_t>(ch->conn)].accepted = now();
    child_read(ch);
  }

  void child_read(Child* ch) {
    if (ch->closed) return;
    ch->sock.async_read_some(asio::buffer(ch->buf), [this, ch](const error_code& ec, std::size_t) {
      if (ec == asio::error::operation_aborted || ch->closed) return;
      if (ec) {
        // EOF: the server reads it and closes its side; errors end it too.
        if (ec != asio::error::eof && ch->conn >= 0) {
          note(static_cast<std::uint32_t>(ch->conn), fmt::format("kernel: server read(): {}", error_name(ec)));
        }
        child_close(ch);
        return;
      }
      if (!ch->delivered) {
        ch->delivered = true;
        if (ch->conn >= 0) res_.records[static_cast<std::size_t>(ch->conn)].data_delivered = now();
        server_respond(ch);
      }
      child_read(ch);
    });
  }

  void server_respond(Child* ch) {
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
      if (close_after) child_close(ch);
      return;
    }
    asio::async_write(ch->sock, asio::buffer(response_.data() + done, response_.size() - done),
                      [this, ch, close_after](const error_code& e, std::size_t) {
                        if (e == asio::error::operation_aborted) return;
                        if (e || close_after) child_close(ch);
                      });
  }

  void child_close(Child* ch) {
    if (ch->closed) return;
    ch->closed = true;
    error_code ec;
    ch->sock.close(ec);
  }

  // --- end -----------------------------------------------------------------

  void teardown() {
    error_code ec;
    acceptor_.close(ec);
    for (Client& cl : clients_) {
      if (cl.poll) cl.poll->cancel();
      if (cl.sock && cl.sock->is_open()) {
        cl.sock->set_option(asio::socket_base::linger(true, 0), ec);
        cl.sock->close(ec);
      }
    }
    for (auto& ch : children_) {
      if (!ch->closed) {
        ch->sock.set_option(asio::socket_base::linger(true, 0), ec);
        ch->sock.close(ec);
        ch->closed = true;
      }
    }
    // Let the aborted handlers run (bounded), then drop everything.
    io_.restart();
    io_.poll();
    io_.stop();
  }

  const scenario::Scenario& sc_;
  const KernelOptions& opt_;
  const AppsPlacement& place_;
  asio::io_context io_{1};
  std::optional<Timeline> timeline_;
  tcp::acceptor acceptor_;
  tcp::endpoint server_ep_;
  std::vector<Client> clients_;
  std::vector<Group> groups_;
  std::list<std::unique_ptr<Child>> children_;
  std::string request_;
  std::string response_;
  AppsResult res_;

  Time busy_until_{};
  Time accept_retry_at_{};
  bool accept_retry_pending_ = false;
  bool accept_waiting_ = false;
};

}  // namespace

AppsResult run_applications(const scenario::Scenario& sc, const KernelOptions& options,
                            const AppsPlacement& placement, const std::function<void(std::int64_t)>& at_deadline) {
  Apps apps(sc, options, placement);
  return apps.run(at_deadline);
}

}  // namespace synsim::kernel
