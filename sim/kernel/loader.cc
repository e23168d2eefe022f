#include "sim/kernel/loader.h"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

#include "sim/kernel/ports.h"
#include "sim/kernel/runner.h"
#include "sim/kernel/socket_errors.h"

namespace synsim::kernel {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using scenario::ArrivalSpec;
using scenario::CloseSpec;
using scenario::SendSpec;

Loader::Loader(const scenario::Scenario& sc, const KernelOptions& opt, const AppsPlacement& place,
               asio::io_context& io, const tcp::endpoint& server)
    : sc_(sc), opt_(opt), place_(place), io_(io), server_ep_(server), ack_timer_(io) {
  std::uint32_t conn = 0;
  std::uint32_t max_bytes = 1;
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    const scenario::ClientGroup& grp = sc.clients[g];
    groups_.push_back(Group{conn, 0, std::nullopt});
    if (grp.arrival.kind == ArrivalSpec::Kind::rate) groups_.back().gaps.emplace(grp, sc.seed, g);
    if (grp.send) max_bytes = std::max(max_bytes, grp.send->bytes);
    for (std::uint32_t i = 0; i < grp.count; ++i, ++conn) {
      outcome::ConnectionRecord r;
      r.name = fmt::format("{}#{}", grp.name, i);
      r.group = grp.name;
      r.index = i;
      res_.records.push_back(std::move(r));
      conns_.push_back(Conn{g});
    }
  }
  due_.assign(sc.clients.size(), kTimeZero);
  request_.assign(max_bytes, 'x');
}

void Loader::start(SteadyTime t0) {
  timeline_.emplace(io_.get_executor(), t0, [this](std::uint32_t kind, std::uint32_t arg) { dispatch(kind, arg); });
  for (std::uint32_t g = 0; g < sc_.clients.size(); ++g) {
    const scenario::ClientGroup& grp = sc_.clients[g];
    Time first = kTimeZero + grp.start;
    if (grp.arrival.kind == ArrivalSpec::Kind::burst) first = kTimeZero + grp.arrival.burst_at;
    due_[g] = first;
    timeline_->at(first, kArrival, g);
  }
}

void Loader::dispatch(std::uint32_t kind, std::uint32_t arg) {
  switch (static_cast<Event>(kind)) {
    case kArrival: next_arrival(arg); return;
    case kStart: start_connection(arg); return;
    case kSend: client_send(arg); return;
    case kClose: client_close(arg); return;
  }
}

// One pending arrival per group, as in the model: `due_` is when it was
// meant to happen, so real-time lateness does not accumulate.
void Loader::next_arrival(std::uint32_t g) {
  const scenario::ClientGroup& grp = sc_.clients[g];
  Group& gs = groups_[g];
  switch (grp.arrival.kind) {
    case ArrivalSpec::Kind::spaced:
    case ArrivalSpec::Kind::burst:
    case ArrivalSpec::Kind::rate: {
      Duration gap = grp.spacing;
      if (grp.arrival.kind == ArrivalSpec::Kind::burst) gap = Duration{0};
      // The model's gaps, drawn in the same order (World::on_event).
      if (grp.arrival.kind == ArrivalSpec::Kind::rate) gap = gs.gaps->next();
      do {
        start_connection(gs.first_conn + gs.next_index++);
      } while (gap == Duration{0} && gs.next_index < grp.count);
      if (gs.next_index < grp.count) {
        due_[g] = due_[g] + gap;
        timeline_->at(due_[g], kArrival, g);
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

void Loader::start_connection(std::uint32_t c) {
  const scenario::ClientGroup& grp = group_of(c);
  Conn& cl = conns_[c];
  outcome::ConnectionRecord& r = res_.records[c];
  r.connect_start = now();
  ++started_;
  if (free_slots_.empty()) {
    free_slots_.push_back(static_cast<std::uint32_t>(slots_.size()));
    slots_.push_back(std::make_unique<Slot>(io_));
  }
  cl.slot = free_slots_.back();
  free_slots_.pop_back();
  tcp::socket& s = sock(c);
  error_code ec;
  s.open(tcp::v4(), ec);
  if (ec) {
    if (is_system_error(ec, EMFILE) || is_system_error(ec, ENFILE)) throw EnvironmentError(descriptor_message(c));
    fail(c, ec, outcome::SocketCall::socket);
    return;
  }
  if (grp.defer_final_ack) {
    // Any positive value: tcp_rcv_synsent_state_process() then holds the
    // final ACK back (up to TCP_DELACK_MAX) until data can carry it.
    const int one = 1;
    if (::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof one) != 0) {
      throw EnvironmentError(fmt::format("setsockopt(TCP_DEFER_ACCEPT) on a client: {}", std::strerror(errno)));
    }
  }
  if (!place_.client_bind_address.empty()) {
    const auto port = static_cast<std::uint16_t>(place_.client_port_base + c);
    s.set_option(tcp::socket::reuse_address(true), ec);
    s.bind(tcp::endpoint(asio::ip::make_address_v4(place_.client_bind_address), port), ec);
    if (ec) {
      throw EnvironmentError(
          fmt::format("bind({}:{}) for {}: {}", place_.client_bind_address, port, r.name, ec.message()));
    }
  }
  if (grp.close.kind == CloseSpec::Kind::at) timeline_->at(kTimeZero + grp.close.at, kClose, c);
  // The port is chosen by connect() itself (as an unbound socket's would
  // be), so TIME_WAIT ports are reused the way real clients reuse them.
  // Asio calls connect() inside async_connect, so the port is known here.
  s.async_connect(server_ep_, [this, c](const error_code& e) { on_connect(c, e); });
  sockaddr_in local{};
  socklen_t len = sizeof local;
  if (::getsockname(s.native_handle(), reinterpret_cast<sockaddr*>(&local), &len) == 0 && local.sin_port != 0) {
    r.client_port = ntohs(local.sin_port);
    res_.ports.push_back(PortUse{r.client_port, c, *r.connect_start});
  }
}

std::string Loader::descriptor_message(std::uint32_t c) const {
  return fmt::format(
      "out of file descriptors at connection {} ({} connections started): raise the limit "
      "(ulimit -n; the runner already raised its soft limit to the hard limit) or use fewer concurrent "
      "connections",
      res_.records[c].name, started_);
}

void Loader::on_connect(std::uint32_t c, const error_code& ec) {
  Conn& cl = conns_[c];
  if (ec == asio::error::operation_aborted || cl.over || closed_) return;
  if (ec) {
    if (is_system_error(ec, EADDRNOTAVAIL)) throw EnvironmentError(ports_message(c));
    fail(c, ec, outcome::SocketCall::connect);
    return;
  }
  outcome::ConnectionRecord& r = res_.records[c];
  r.connect_done = now();
  cl.connected = true;
  const scenario::ClientGroup& grp = group_of(c);
  if (grp.send) {
    const Time t =
        grp.send->anchor == SendSpec::Anchor::absolute ? kTimeZero + grp.send->time : now() + grp.send->time;
    timeline_->at(t, kSend, c);
  } else if (grp.close.kind == CloseSpec::Kind::after_response) {
    timeline_->at(now(), kClose, c);
  }
  client_read(c);
}

std::string Loader::ports_message(std::uint32_t c) const {
  const PortRange range = read_local_port_range();
  const SocketCounts socks = read_socket_counts();
  const double secs = std::max(1e-3, static_cast<double>(to_ns(now())) / 1e9);
  return fmt::format(
      "ephemeral ports exhausted (connect(): EADDRNOTAVAIL) at connection {}: {} connect() calls in {:.3f} s "
      "({:.0f}/s); net.ipv4.ip_local_port_range {}-{} gives {} ports; TCP sockets in use {}, in TIME_WAIT {}. "
      "A connection the client closes first holds its port in TIME_WAIT (reusable after 1 s on loopback with "
      "tcp_tw_reuse=2, 60 s otherwise). Fix: widen the range (synsim kernel --port-range 1024-65535; the runner "
      "widens it itself when it estimates the scenario needs more), close_style: rst (no TIME_WAIT), a server "
      "that closes first, or fewer/slower connections",
      res_.records[c].name, started_, secs, static_cast<double>(started_) / secs, range.low, range.high,
      range.size(), socks.in_use, socks.time_wait);
}

void Loader::client_send(std::uint32_t c) {
  Conn& cl = conns_[c];
  if (!cl.connected || cl.closing || cl.over) return;
  outcome::ConnectionRecord& r = res_.records[c];
  const std::uint32_t bytes = group_of(c).send->bytes;
  r.first_data_sent = now();
  tcp::socket& s = sock(c);
  // MSG_NOSIGNAL: a write to a reset connection is EPIPE, not SIGPIPE.
  error_code ec;
  const std::size_t n = s.send(asio::buffer(request_.data(), bytes), MSG_NOSIGNAL, ec);
  const std::size_t done = ec == asio::error::would_block ? 0 : n;
  if (ec && ec != asio::error::would_block) {
    fail(c, ec, outcome::SocketCall::write);
    return;
  }
  if (done < bytes) {
    asio::async_write(s, asio::buffer(request_.data() + done, bytes - done),
                      [this, c](const error_code& e, std::size_t) {
                        if (e && e != asio::error::operation_aborted && !conns_[c].over) fail(c, e, outcome::SocketCall::write);
                      });
  }
  if (sc_.server.on_data.respond_bytes == 0 && group_of(c).close.kind == CloseSpec::Kind::after_response) {
    await_ack(c);
  }
}

// respond_bytes 0: the exchange is over when the request is acknowledged.
// SIOCOUTQ is write_seq - snd_una for TCP: 0 once every byte is acked. One
// timer polls every waiting client, so waiting costs no timer per connection.
void Loader::await_ack(std::uint32_t c) {
  int outq = -1;
  if (::ioctl(sock(c).native_handle(), SIOCOUTQ, &outq) == 0 && outq == 0) {
    after_exchange(c);
    return;
  }
  awaiting_ack_.push_back(c);
  if (ack_timer_armed_) return;
  ack_timer_armed_ = true;
  ack_timer_.expires_after(std::chrono::nanoseconds(to_ns(opt_.ack_poll_interval)));
  ack_timer_.async_wait([this](const error_code& e) {
    ack_timer_armed_ = false;
    if (!e) poll_acks();
  });
}

void Loader::poll_acks() {
  std::vector<std::uint32_t> waiting;
  waiting.swap(awaiting_ack_);
  for (const std::uint32_t c : waiting) {
    const Conn& cl = conns_[c];
    if (cl.closing || cl.over || cl.exchanged) continue;
    await_ack(c);  // acked now, or back on the list (re-arms the timer)
  }
}

void Loader::after_exchange(std::uint32_t c) {
  Conn& cl = conns_[c];
  if (cl.exchanged) return;
  cl.exchanged = true;
  if (group_of(c).close.kind != CloseSpec::Kind::after_response) return;
  // A server that closes after its response sends its FIN right behind the
  // data, and the model delivers both at the same instant, so the client
  // application sees the EOF with the response and closes after it. The
  // server runs on other threads here: closing on the last response byte
  // would race its close() (and lose, when its thread is slowed), turning
  // the closing exchange into a simultaneous close. So the client closes on
  // that EOF (client_read), at most kEofWait after the response.
  const scenario::OnDataSpec& d = sc_.server.on_data;
  const bool server_fin_follows = d.close == scenario::ServerClose::after_response && d.respond_bytes > 0;
  timeline_->at(server_fin_follows ? now() + kEofWait : now(), kClose, c);
}

void Loader::client_read(std::uint32_t c) {
  Conn& cl = conns_[c];
  if (cl.closing || cl.over) return;
  Slot& slot = *slots_[cl.slot];
  slot.sock.async_read_some(asio::buffer(slot.buf), [this, c](const error_code& ec, std::size_t n) {
    Conn& k = conns_[c];
    if (ec == asio::error::operation_aborted || k.closing || k.over) return;
    if (ec == asio::error::eof) {
      // read() returned 0: the application closes, unless it never closes.
      if (group_of(c).close.kind != CloseSpec::Kind::never) timeline_->at(now(), kClose, c);
      return;
    }
    if (ec) {
      fail(c, ec, outcome::SocketCall::read);
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

void Loader::client_close(std::uint32_t c) {
  Conn& cl = conns_[c];
  if (cl.closing || cl.over || cl.slot == kNoSlot) return;
  cl.closing = true;
  tcp::socket& s = sock(c);
  error_code ec;
  if (group_of(c).close_style == scenario::CloseStyle::rst) s.set_option(asio::socket_base::linger(true, 0), ec);
  s.close(ec);
  res_.records[c].closed = now();
  connection_over(c);
}

// A socket error is an outcome of the connection, not a failure of the run.
void Loader::fail(std::uint32_t c, const error_code& ec, outcome::SocketCall call) {
  Conn& cl = conns_[c];
  if (cl.over) return;
  outcome::ConnectionRecord& r = res_.records[c];
  r.closed = now();
  r.error = socket_error_name(ec);
  if (is_system_error(ec, ETIMEDOUT)) {
    r.outcome = outcome::ConnectionOutcome::timed_out;
  } else if (is_system_error(ec, ECONNREFUSED)) {
    r.outcome = outcome::ConnectionOutcome::refused;
  } else {
    r.outcome = outcome::ConnectionOutcome::reset;
  }
  outcome::Reason why = socket_error_reason(ec);
  why.kind = outcome::ReasonKind::kernel_socket_error;
  why.call = call;
  note(c, std::move(why));
  error_code ignored;
  if (cl.slot != kNoSlot) sock(c).close(ignored);
  connection_over(c);
}

void Loader::connection_over(std::uint32_t c) {
  Conn& cl = conns_[c];
  if (cl.over) return;
  cl.over = true;
  // The socket is closed: its slot serves the next connection. Handlers of
  // the old one still queued find `over` set and touch nothing.
  if (cl.slot != kNoSlot) free_slots_.push_back(cl.slot);
  const scenario::ClientGroup& grp = sc_.clients[cl.group];
  if (grp.arrival.kind != ArrivalSpec::Kind::concurrency) return;
  Group& gs = groups_[cl.group];
  if (gs.next_index < grp.count) timeline_->at(now(), kStart, gs.first_conn + gs.next_index++);
}

void Loader::close_all() {
  closed_ = true;  // handlers still queued record nothing and throw nothing
  if (timeline_) timeline_->cancel();
  ack_timer_.cancel();
  error_code ec;
  for (std::uint32_t c = 0; c < conns_.size(); ++c) {
    Conn& cl = conns_[c];
    if (cl.slot == kNoSlot || cl.over) continue;
    tcp::socket& s = sock(c);
    if (s.is_open()) {
      s.set_option(asio::socket_base::linger(true, 0), ec);
      s.close(ec);
    }
  }
}

}  // namespace synsim::kernel
