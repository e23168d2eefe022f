#include "sim/kernel/plain_loader.h"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "sim/kernel/client_loader.h"
#include "sim/kernel/loader_shares.h"
#include "sim/kernel/runner.h"
#include "sim/kernel/socket_errors.h"

namespace synsim::kernel {

using scenario::ArrivalSpec;
using scenario::CloseSpec;
using scenario::SendSpec;

std::optional<std::string> plain_loader_refusal(const scenario::Scenario& sc, bool wired) {
  if (wired) return "wire mode (link rules or latency: each client bound to a fixed port)";
  for (const scenario::ClientGroup& g : sc.clients) {
    if (g.defer_final_ack) {
      return fmt::format("defer_final_ack (client group '{}': TCP_DEFER_ACCEPT on the connecting socket)", g.name);
    }
    if (g.close.kind == CloseSpec::Kind::at) {
      return fmt::format("close.at (client group '{}': a close timer per connection)", g.name);
    }
  }
  return std::nullopt;
}

void require_plain_loader_plays(const scenario::Scenario& sc, bool wired) {
  if (const auto why = plain_loader_refusal(sc, wired)) {
    throw Unsupported(fmt::format("--loader epoll does not play {}; use --loader asio", *why));
  }
}

namespace {

// Per connection, for the whole run; an element is touched only by the
// thread that runs its connection.
struct PlainConn {
  int fd = -1;
  std::uint32_t response_bytes = 0;
  std::uint32_t unsent = 0;  // request bytes the socket did not take yet
  bool connected = false;
  bool closing = false;
  bool over = false;
  bool exchanged = false;
  bool eof = false;  // read() returned 0: nothing more to read
};

// One loader thread: its epoll instance, its timeline, its share.
class PlainLoop {
 public:
  PlainLoop(const scenario::Scenario& sc, const KernelOptions& opt, LoaderShares& shares,
            std::vector<PlainConn>& conns, std::uint32_t thread, const sockaddr_in& server,
            const std::atomic<bool>& stopping);
  ~PlainLoop();
  PlainLoop(const PlainLoop&) = delete;
  PlainLoop& operator=(const PlainLoop&) = delete;

  void start(SteadyTime t0);
  void run(CpuTrace::Thread* trace);
  void wake();
  std::vector<PortUse> take_ports() { return std::move(ports_); }
  std::vector<AppNote> take_notes() { return std::move(notes_); }

 private:
  enum Event : std::uint32_t { kArrival, kStart, kSend, kClose, kPollAcks };
  static constexpr std::uint64_t kWakeTag = UINT64_MAX;
  // Events run per pass before the loop looks at its sockets again (the
  // Asio timeline's bound).
  static constexpr int kEventsPerPass = 4096;

  // The timeline: (time, insertion) order, as the model's event queue.
  struct Timed {
    std::int64_t t;
    std::uint64_t seq;
    std::uint32_t kind;
    std::uint32_t arg;
  };
  struct Later {
    bool operator()(const Timed& a, const Timed& b) const { return a.t != b.t ? a.t > b.t : a.seq > b.seq; }
  };

  Time now() const {
    return Time{std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - t0_)};
  }
  void at(Time t, std::uint32_t kind, std::uint32_t arg) { events_.push(Timed{to_ns(t), seq_++, kind, arg}); }
  const scenario::ClientGroup& group_of(std::uint32_t c) const { return sc_.clients[shares_.group_of(c)]; }
  void note(std::uint32_t c, outcome::Reason why) { notes_.push_back(AppNote{now(), c, std::move(why)}); }

  void run_due(CpuTrace::Thread* trace);
  void dispatch(std::uint32_t kind, std::uint32_t arg);
  void next_arrival(std::uint32_t g);
  void start_connection(std::uint32_t c);
  void on_socket(std::uint32_t c, std::uint32_t events);
  void on_connected(std::uint32_t c);
  void client_send(std::uint32_t c);
  void write_rest(std::uint32_t c);
  void await_ack(std::uint32_t c);
  void poll_acks();
  void after_exchange(std::uint32_t c);
  void read_all(std::uint32_t c);
  void client_close(std::uint32_t c);
  void fail(std::uint32_t c, int err, outcome::SocketCall call);
  void connection_over(std::uint32_t c);

  const scenario::Scenario& sc_;
  const KernelOptions& opt_;
  LoaderShares& shares_;
  std::vector<PlainConn>& conns_;
  std::uint32_t thread_;
  sockaddr_in server_;
  const std::atomic<bool>& stopping_;
  int ep_ = -1;
  int wake_ = -1;  // eventfd: stop() wakes the loop
  SteadyTime t0_{};
  std::priority_queue<Timed, std::vector<Timed>, Later> events_;
  std::uint64_t seq_ = 0;
  std::vector<std::optional<ThreadArrivals>> arrivals_;  // per group: open-loop arrivals of this thread
  std::vector<std::uint32_t> awaiting_ack_;               // respond_bytes 0: SIOCOUTQ not yet 0
  bool ack_poll_armed_ = false;
  std::string request_;
  std::array<char, 4096> buf_{};
  std::vector<PortUse> ports_;  // this thread's, in connect() order
  std::vector<AppNote> notes_;  // this thread's, in time order
};

PlainLoop::PlainLoop(const scenario::Scenario& sc, const KernelOptions& opt, LoaderShares& shares,
                     std::vector<PlainConn>& conns, std::uint32_t thread, const sockaddr_in& server,
                     const std::atomic<bool>& stopping)
    : sc_(sc), opt_(opt), shares_(shares), conns_(conns), thread_(thread), server_(server), stopping_(stopping) {
  ep_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (ep_ < 0 || wake_ < 0) throw EnvironmentError(fmt::format("epoll_create1/eventfd: {}", std::strerror(errno)));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  if (::epoll_ctl(ep_, EPOLL_CTL_ADD, wake_, &ev) != 0) {
    throw EnvironmentError(fmt::format("epoll_ctl(eventfd): {}", std::strerror(errno)));
  }
  std::uint32_t max_bytes = 1;
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    const scenario::ClientGroup& grp = sc.clients[g];
    if (grp.send) max_bytes = std::max(max_bytes, grp.send->bytes);
    arrivals_.emplace_back();
    if (grp.arrival.kind != ArrivalSpec::Kind::concurrency) arrivals_.back().emplace(sc, g, thread, shares.threads());
  }
  request_.assign(max_bytes, 'x');
}

PlainLoop::~PlainLoop() {
  if (wake_ >= 0) ::close(wake_);
  if (ep_ >= 0) ::close(ep_);
}

void PlainLoop::start(SteadyTime t0) {
  t0_ = t0;
  for (std::uint32_t g = 0; g < sc_.clients.size(); ++g) {
    if (arrivals_[g]) {
      if (const std::optional<Time> first = arrivals_[g]->due()) at(*first, kArrival, g);
    } else if (shares_.concurrency_share(g, thread_) > 0) {
      at(kTimeZero + sc_.clients[g].start, kArrival, g);
    }
  }
}

void PlainLoop::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_, &one, sizeof one);
}

// Sockets first, then the events that are due, as the Asio loader's
// io_context interleaves completions and its timeline.
void PlainLoop::run(CpuTrace::Thread* trace) {
  std::array<epoll_event, 256> ready{};
  while (!stopping_.load(std::memory_order_relaxed)) {
    timespec wait{};
    timespec* timeout = nullptr;
    if (!events_.empty()) {
      const std::int64_t ns = std::max<std::int64_t>(0, events_.top().t - to_ns(now()));
      wait.tv_sec = ns / 1'000'000'000;
      wait.tv_nsec = ns % 1'000'000'000;
      timeout = &wait;
    }
    const int n = ::epoll_pwait2(ep_, ready.data(), static_cast<int>(ready.size()), timeout, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw EnvironmentError(fmt::format("epoll_pwait2: {}", std::strerror(errno)));
    }
    for (int i = 0; i < n; ++i) {
      if (ready[i].data.u64 == kWakeTag) continue;  // stopping_ is checked above
      on_socket(static_cast<std::uint32_t>(ready[i].data.u64), ready[i].events);
      if (trace) trace->note();
    }
    run_due(trace);
  }
}

void PlainLoop::run_due(CpuTrace::Thread* trace) {
  // Events added for "now" run in this pass, after those already due.
  for (int n = 0; n < kEventsPerPass && !events_.empty(); ++n) {
    const Timed e = events_.top();
    if (e.t > to_ns(now())) break;
    events_.pop();
    dispatch(e.kind, e.arg);
    if (trace) trace->note();
  }
}

void PlainLoop::dispatch(std::uint32_t kind, std::uint32_t arg) {
  switch (static_cast<Event>(kind)) {
    case kArrival: next_arrival(arg); return;
    case kStart: start_connection(arg); return;
    case kSend: client_send(arg); return;
    case kClose: client_close(arg); return;
    case kPollAcks: poll_acks(); return;
  }
}

// The arrival's time is when it was meant to happen, so real-time
// lateness does not accumulate (loader.cc: the same rule).
void PlainLoop::next_arrival(std::uint32_t g) {
  if (arrivals_[g]) {
    std::vector<std::uint32_t> now_starting;
    arrivals_[g]->take(now_starting);
    for (const std::uint32_t i : now_starting) start_connection(shares_.first_conn(g) + i);
    if (const std::optional<Time> next = arrivals_[g]->due()) at(*next, kArrival, g);
    return;
  }
  for (std::uint32_t n = shares_.concurrency_share(g, thread_); n > 0; --n) {
    const std::optional<std::uint32_t> c = shares_.take_next(g);
    if (!c) return;
    start_connection(*c);
  }
}

void PlainLoop::start_connection(std::uint32_t c) {
  PlainConn& k = conns_[c];
  outcome::ConnectionRecord& r = shares_.record(c);
  r.connect_start = now();
  shares_.count_started();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE) throw EnvironmentError(descriptors_exhausted_message(r.name, shares_.started()));
    fail(c, errno, outcome::SocketCall::socket);
    return;
  }
  k.fd = fd;
  // connect() picks the port (as an unbound socket's would be), so
  // TIME_WAIT ports are reused the way real clients reuse them.
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_);
  const int err = rc == 0 ? 0 : errno;
  sockaddr_in local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 && local.sin_port != 0) {
    r.client_port = ntohs(local.sin_port);
    ports_.push_back(PortUse{r.client_port, c, *r.connect_start});
  }
  if (err != 0 && err != EINPROGRESS) {
    if (err == EADDRNOTAVAIL) throw EnvironmentError(ports_exhausted_message(r.name, shares_.started(), now()));
    fail(c, err, outcome::SocketCall::connect);
    return;
  }
  // Registered after connect(): a fresh socket polls as EPOLLHUP. Edge
  // triggered: every wakeup reads until EAGAIN. The connection's number is
  // the tag, so an event of a connection closed earlier in the same batch
  // finds it `over` even when its descriptor number was reused.
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = c;
  if (::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw EnvironmentError(fmt::format("epoll_ctl(ADD) for {}: {} (fs.epoll.max_user_watches?)", r.name,
                                       std::strerror(errno)));
  }
}

void PlainLoop::on_socket(std::uint32_t c, std::uint32_t events) {
  PlainConn& k = conns_[c];
  if (k.over || k.closing || k.fd < 0) return;
  if (!k.connected) {
    // Non-blocking connect(2): done when writable; SO_ERROR says how.
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(k.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      if (err == EADDRNOTAVAIL) {
        throw EnvironmentError(ports_exhausted_message(shares_.record(c).name, shares_.started(), now()));
      }
      fail(c, err, outcome::SocketCall::connect);
      return;
    }
    if ((events & EPOLLOUT) == 0) return;
    on_connected(c);
  }
  if ((events & EPOLLOUT) != 0 && k.unsent > 0) write_rest(c);
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) read_all(c);
}

void PlainLoop::on_connected(std::uint32_t c) {
  PlainConn& k = conns_[c];
  outcome::ConnectionRecord& r = shares_.record(c);
  r.connect_done = now();
  k.connected = true;
  const scenario::ClientGroup& grp = group_of(c);
  if (grp.send) {
    const Time t =
        grp.send->anchor == SendSpec::Anchor::absolute ? kTimeZero + grp.send->time : now() + grp.send->time;
    at(t, kSend, c);
  } else if (grp.close.kind == CloseSpec::Kind::after_response) {
    at(now(), kClose, c);
  }
}

void PlainLoop::client_send(std::uint32_t c) {
  PlainConn& k = conns_[c];
  if (!k.connected || k.closing || k.over) return;
  shares_.record(c).first_data_sent = now();
  k.unsent = group_of(c).send->bytes;
  write_rest(c);
  if (k.over) return;
  if (sc_.server.on_data.respond_bytes == 0 && group_of(c).close.kind == CloseSpec::Kind::after_response) {
    await_ack(c);
  }
}

// Whatever of the request the socket takes now; the rest when it turns
// writable again (EPOLLOUT edge).
void PlainLoop::write_rest(std::uint32_t c) {
  PlainConn& k = conns_[c];
  const std::uint32_t bytes = group_of(c).send->bytes;
  while (k.unsent > 0) {
    // MSG_NOSIGNAL: a write to a reset connection is EPIPE, not SIGPIPE.
    const ssize_t n = ::send(k.fd, request_.data() + (bytes - k.unsent), k.unsent, MSG_NOSIGNAL);
    if (n > 0) {
      k.unsent -= static_cast<std::uint32_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    fail(c, n < 0 ? errno : EPIPE, outcome::SocketCall::write);
    return;
  }
}

// respond_bytes 0: the exchange is over when the request is acknowledged
// (SIOCOUTQ reads 0); one poll event for every waiting client, as in
// loader.cc.
void PlainLoop::await_ack(std::uint32_t c) {
  int outq = -1;
  if (::ioctl(conns_[c].fd, SIOCOUTQ, &outq) == 0 && outq == 0) {
    after_exchange(c);
    return;
  }
  awaiting_ack_.push_back(c);
  if (ack_poll_armed_) return;
  ack_poll_armed_ = true;
  at(now() + opt_.ack_poll_interval, kPollAcks, 0);
}

void PlainLoop::poll_acks() {
  ack_poll_armed_ = false;
  std::vector<std::uint32_t> waiting;
  waiting.swap(awaiting_ack_);
  for (const std::uint32_t c : waiting) {
    const PlainConn& k = conns_[c];
    if (k.closing || k.over || k.exchanged) continue;
    await_ack(c);  // acked now, or back on the list (re-arms the poll)
  }
}

// loader.cc Loader::after_exchange: the client closes on the EOF behind a
// closing server's response, at most close_wait_after_exchange() after it.
void PlainLoop::after_exchange(std::uint32_t c) {
  PlainConn& k = conns_[c];
  if (k.exchanged) return;
  k.exchanged = true;
  if (group_of(c).close.kind != CloseSpec::Kind::after_response) return;
  at(now() + close_wait_after_exchange(sc_), kClose, c);
}

void PlainLoop::read_all(std::uint32_t c) {
  PlainConn& k = conns_[c];
  while (!k.eof && !k.closing && !k.over) {
    const ssize_t n = ::read(k.fd, buf_.data(), buf_.size());
    if (n > 0) {
      outcome::ConnectionRecord& r = shares_.record(c);
      if (!r.response_received) r.response_received = now();
      k.response_bytes += static_cast<std::uint32_t>(n);
      if (sc_.server.on_data.respond_bytes > 0 && k.response_bytes >= sc_.server.on_data.respond_bytes) {
        after_exchange(c);
      }
      continue;
    }
    if (n == 0) {
      // read() returned 0: the application closes, unless it never closes.
      k.eof = true;
      if (group_of(c).close.kind != CloseSpec::Kind::never) at(now(), kClose, c);
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    fail(c, errno, outcome::SocketCall::read);
    return;
  }
}

void PlainLoop::client_close(std::uint32_t c) {
  PlainConn& k = conns_[c];
  if (k.closing || k.over || k.fd < 0) return;
  k.closing = true;
  if (group_of(c).close_style == scenario::CloseStyle::rst) {
    const linger rst{1, 0};
    ::setsockopt(k.fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst);
  }
  ::close(k.fd);  // also leaves the epoll set (the only reference)
  k.fd = -1;
  shares_.record(c).closed = now();
  connection_over(c);
}

// A socket error is an outcome of the connection, not a failure of the run.
void PlainLoop::fail(std::uint32_t c, int err, outcome::SocketCall call) {
  PlainConn& k = conns_[c];
  if (k.over) return;
  outcome::ConnectionRecord& r = shares_.record(c);
  r.closed = now();
  r.error = socket_error_name(err);
  r.outcome = socket_error_outcome(err);
  outcome::Reason why = socket_error_reason(err);
  why.kind = outcome::ReasonKind::kernel_socket_error;
  why.call = call;
  note(c, std::move(why));
  if (k.fd >= 0) ::close(k.fd);
  k.fd = -1;
  connection_over(c);
}

void PlainLoop::connection_over(std::uint32_t c) {
  PlainConn& k = conns_[c];
  if (k.over) return;
  k.over = true;
  // Closed loop: this thread takes the group's next connection.
  const std::uint32_t g = shares_.group_of(c);
  if (sc_.clients[g].arrival.kind != ArrivalSpec::Kind::concurrency) return;
  if (const std::optional<std::uint32_t> next = shares_.take_next(g)) at(now(), kStart, *next);
}

class PlainLoader final : public ClientLoader {
 public:
  PlainLoader(const scenario::Scenario& sc, const KernelOptions& opt, const sockaddr_in& server)
      : shares_(sc), conns_(shares_.connections()) {
    for (std::uint32_t t = 0; t < shares_.threads(); ++t) {
      loops_.push_back(std::make_unique<PlainLoop>(sc, opt, shares_, conns_, t, server, stopping_));
    }
  }

  std::uint32_t threads() const override { return shares_.threads(); }
  void start(SteadyTime t0) override {
    for (const std::unique_ptr<PlainLoop>& l : loops_) l->start(t0);
  }
  void run(std::uint32_t t, CpuTrace::Thread* trace) override { loops_[t]->run(trace); }
  void stop() override {
    stopping_.store(true, std::memory_order_relaxed);
    for (const std::unique_ptr<PlainLoop>& l : loops_) l->wake();
  }
  // After the threads joined: what is still open, whichever thread ran
  // it, ends with RST.
  void close_all() override {
    const linger rst{1, 0};
    for (PlainConn& k : conns_) {
      if (k.fd < 0) continue;
      ::setsockopt(k.fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst);
      ::close(k.fd);
      k.fd = -1;
    }
  }
  LoaderResult take() override {
    std::vector<std::vector<PortUse>> ports;
    std::vector<std::vector<AppNote>> notes;
    for (const std::unique_ptr<PlainLoop>& l : loops_) {
      ports.push_back(l->take_ports());
      notes.push_back(l->take_notes());
    }
    return shares_.merge(std::move(ports), std::move(notes));
  }

 private:
  LoaderShares shares_;
  std::vector<PlainConn> conns_;
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<PlainLoop>> loops_;
};

}  // namespace

std::unique_ptr<ClientLoader> make_plain_loader(const scenario::Scenario& sc, const KernelOptions& opt,
                                                const AppsPlacement& place, const sockaddr_in& server) {
  require_plain_loader_plays(sc, !place.client_bind_address.empty());
  return std::make_unique<PlainLoader>(sc, opt, server);
}

}  // namespace synsim::kernel
