#include "sim/kernel/loader.h"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/executor_work_guard.hpp>
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
               LoaderShares& shares, std::vector<Conn>& conns, std::uint32_t thread, asio::io_context& io,
               const tcp::endpoint& server)
    : sc_(sc),
      opt_(opt),
      place_(place),
      shares_(shares),
      conns_(conns),
      thread_(thread),
      io_(io),
      server_ep_(server),
      ack_timer_(io) {
  std::uint32_t max_bytes = 1;
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    const scenario::ClientGroup& grp = sc.clients[g];
    if (grp.send) max_bytes = std::max(max_bytes, grp.send->bytes);
    arrivals_.emplace_back();
    if (grp.arrival.kind != ArrivalSpec::Kind::concurrency) arrivals_.back().emplace(sc, g, thread, shares.threads());
  }
  request_.assign(max_bytes, 'x');
}

void Loader::start(SteadyTime t0) {
  timeline_.emplace(io_.get_executor(), t0, [this](std::uint32_t kind, std::uint32_t arg) { dispatch(kind, arg); });
  for (std::uint32_t g = 0; g < sc_.clients.size(); ++g) {
    if (arrivals_[g]) {
      if (const std::optional<Time> first = arrivals_[g]->due()) timeline_->at(*first, kArrival, g);
    } else if (shares_.concurrency_share(g, thread_) > 0) {
      timeline_->at(kTimeZero + sc_.clients[g].start, kArrival, g);
    }
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

// One pending arrival per group, as in the model: the arrival's time is
// when it was meant to happen, so real-time lateness does not accumulate.
void Loader::next_arrival(std::uint32_t g) {
  if (arrivals_[g]) {
    std::vector<std::uint32_t> now_starting;
    arrivals_[g]->take(now_starting);
    for (const std::uint32_t i : now_starting) start_connection(shares_.first_conn(g) + i);
    if (const std::optional<Time> next = arrivals_[g]->due()) timeline_->at(*next, kArrival, g);
    return;
  }
  // Closed loop: this thread's share in flight from the group's start.
  for (std::uint32_t n = shares_.concurrency_share(g, thread_); n > 0; --n) {
    const std::optional<std::uint32_t> c = shares_.take_next(g);
    if (!c) return;
    start_connection(*c);
  }
}

void Loader::start_connection(std::uint32_t c) {
  const scenario::ClientGroup& grp = group_of(c);
  Conn& cl = conns_[c];
  outcome::ConnectionRecord& r = shares_.record(c);
  r.connect_start = now();
  shares_.count_started();
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
    ports_.push_back(PortUse{r.client_port, c, *r.connect_start});
  }
}

std::string Loader::descriptor_message(std::uint32_t c) const {
  return descriptors_exhausted_message(shares_.record(c).name, shares_.started());
}

void Loader::on_connect(std::uint32_t c, const error_code& ec) {
  Conn& cl = conns_[c];
  if (ec == asio::error::operation_aborted || cl.over || closed_) return;
  if (ec) {
    if (is_system_error(ec, EADDRNOTAVAIL)) throw EnvironmentError(ports_message(c));
    fail(c, ec, outcome::SocketCall::connect);
    return;
  }
  outcome::ConnectionRecord& r = shares_.record(c);
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
  return ports_exhausted_message(shares_.record(c).name, shares_.started(), now());
}

void Loader::client_send(std::uint32_t c) {
  Conn& cl = conns_[c];
  if (!cl.connected || cl.closing || cl.over) return;
  outcome::ConnectionRecord& r = shares_.record(c);
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
  // On the EOF right behind a closing server's response (client_read), at
  // most close_wait_after_exchange() after it (loader_shares.h says why).
  timeline_->at(now() + close_wait_after_exchange(sc_), kClose, c);
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
    outcome::ConnectionRecord& r = shares_.record(c);
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
  shares_.record(c).closed = now();
  connection_over(c);
}

// A socket error is an outcome of the connection, not a failure of the run.
void Loader::fail(std::uint32_t c, const error_code& ec, outcome::SocketCall call) {
  Conn& cl = conns_[c];
  if (cl.over) return;
  outcome::ConnectionRecord& r = shares_.record(c);
  r.closed = now();
  r.error = socket_error_name(ec);
  r.outcome = socket_error_outcome(ec);
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
  // Closed loop: this thread takes the group's next connection.
  const std::uint32_t g = shares_.group_of(c);
  if (sc_.clients[g].arrival.kind != ArrivalSpec::Kind::concurrency) return;
  if (const std::optional<std::uint32_t> next = shares_.take_next(g)) timeline_->at(now(), kStart, *next);
}

void Loader::close_all() {
  closed_ = true;  // handlers still queued record nothing and throw nothing
  if (timeline_) timeline_->cancel();
  ack_timer_.cancel();
  error_code ec;
  // Only this thread's sockets: the slots (a closed connection's is closed).
  for (const std::unique_ptr<Slot>& slot : slots_) {
    if (slot->sock.is_open()) {
      slot->sock.set_option(asio::socket_base::linger(true, 0), ec);
      slot->sock.close(ec);
    }
  }
}

namespace {

// `loader.threads` Loaders, each on its own io_context (one thread runs
// each: no strand, no lock), sharing the connections' records and state.
class AsioLoader final : public ClientLoader {
 public:
  AsioLoader(const scenario::Scenario& sc, const KernelOptions& opt, const AppsPlacement& place,
             const sockaddr_in& server)
      : shares_(sc), conns_(shares_.connections()) {
    const tcp::endpoint ep(asio::ip::address_v4(ntohl(server.sin_addr.s_addr)), ntohs(server.sin_port));
    for (std::uint32_t t = 0; t < shares_.threads(); ++t) {
      ios_.push_back(std::make_unique<asio::io_context>(1));
      work_.emplace_back(ios_.back()->get_executor());
      loaders_.push_back(std::make_unique<Loader>(sc, opt, place, shares_, conns_, t, *ios_.back(), ep));
    }
  }

  std::uint32_t threads() const override { return shares_.threads(); }

  void start(SteadyTime t0) override {
    for (const std::unique_ptr<Loader>& l : loaders_) l->start(t0);
  }

  void run(std::uint32_t t, CpuTrace::Thread* trace) override {
    asio::io_context& io = *ios_[t];
    if (trace == nullptr) {
      io.run();
      return;
    }
    while (io.run_one() > 0) trace->note();
  }

  void stop() override {
    for (const std::unique_ptr<asio::io_context>& io : ios_) io->stop();
  }

  // Every thread has stopped: this one closes everything and lets the
  // aborted handlers run (bounded: each runs once).
  void close_all() override {
    work_.clear();
    for (std::size_t t = 0; t < loaders_.size(); ++t) {
      loaders_[t]->close_all();
      ios_[t]->restart();
      try {
        ios_[t]->poll();
      } catch (...) {
        // A second failure while tearing down: the first one is the story.
      }
      ios_[t]->stop();
    }
  }

  LoaderResult take() override {
    std::vector<std::vector<PortUse>> ports;
    std::vector<std::vector<AppNote>> notes;
    for (const std::unique_ptr<Loader>& l : loaders_) {
      ports.push_back(l->take_ports());
      notes.push_back(l->take_notes());
    }
    return shares_.merge(std::move(ports), std::move(notes));
  }

 private:
  LoaderShares shares_;
  std::vector<Loader::Conn> conns_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::unique_ptr<Loader>> loaders_;
};

}  // namespace

std::unique_ptr<ClientLoader> make_asio_loader(const scenario::Scenario& sc, const KernelOptions& opt,
                                               const AppsPlacement& place, const sockaddr_in& server) {
  return std::make_unique<AsioLoader>(sc, opt, place, server);
}

}  // namespace synsim::kernel
