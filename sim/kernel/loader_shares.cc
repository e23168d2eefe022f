#include "sim/kernel/loader_shares.h"

#include <fmt/format.h>

#include <algorithm>

namespace synsim::kernel {

using scenario::ArrivalSpec;

LoaderShares::LoaderShares(const scenario::Scenario& sc)
    : sc_(sc),
      threads_(std::max<std::uint32_t>(1, sc.loader.threads)),
      next_(std::make_unique<std::atomic<std::uint32_t>[]>(sc.clients.size())) {
  std::uint32_t conn = 0;
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    const scenario::ClientGroup& grp = sc.clients[g];
    first_conn_.push_back(conn);
    next_[g].store(0, std::memory_order_relaxed);
    for (std::uint32_t i = 0; i < grp.count; ++i, ++conn) {
      outcome::ConnectionRecord r;
      r.name = fmt::format("{}#{}", grp.name, i);
      r.group = grp.name;
      r.index = i;
      records_.push_back(std::move(r));
      group_of_.push_back(g);
    }
  }
}

std::uint32_t LoaderShares::concurrency_share(std::uint32_t g, std::uint32_t t) const {
  const std::uint32_t c = sc_.clients[g].arrival.concurrency;
  return c / threads_ + (t < c % threads_ ? 1 : 0);
}

std::optional<std::uint32_t> LoaderShares::take_next(std::uint32_t g) {
  const std::uint32_t count = sc_.clients[g].count;
  // Relaxed: the index is the only thing handed over; the record it names
  // is written by the taker alone and read after the threads join. Past the
  // end the counter only grows by one per ending connection.
  const std::uint32_t i = next_[g].load(std::memory_order_relaxed) < count
                              ? next_[g].fetch_add(1, std::memory_order_relaxed)
                              : count;
  if (i >= count) return std::nullopt;
  return first_conn_[g] + i;
}

LoaderResult LoaderShares::merge(std::vector<std::vector<PortUse>> ports, std::vector<std::vector<AppNote>> notes) {
  LoaderResult res;
  res.records = std::move(records_);
  for (std::vector<PortUse>& p : ports) res.ports.insert(res.ports.end(), p.begin(), p.end());
  for (std::vector<AppNote>& n : notes) {
    res.notes.insert(res.notes.end(), std::make_move_iterator(n.begin()), std::make_move_iterator(n.end()));
  }
  // A port is reused only after its previous connection let go of it, so
  // connect() order across threads is the order of connect_start.
  std::stable_sort(res.ports.begin(), res.ports.end(),
                   [](const PortUse& a, const PortUse& b) { return a.from < b.from; });
  std::stable_sort(res.notes.begin(), res.notes.end(),
                   [](const AppNote& a, const AppNote& b) { return a.time < b.time; });
  return res;
}

ThreadArrivals::ThreadArrivals(const scenario::Scenario& sc, std::uint32_t g, std::uint32_t thread,
                               std::uint32_t threads)
    : grp_(sc.clients[g]), thread_(thread), threads_(threads) {
  if (grp_.arrival.kind == ArrivalSpec::Kind::rate) gaps_.emplace(grp_, sc.seed, g);
  due_ = kTimeZero + (grp_.arrival.kind == ArrivalSpec::Kind::burst ? grp_.arrival.burst_at : grp_.start);
  if (grp_.count == 0) return;
  gap_ = draw();
  while (next_ < grp_.count && !event_has_mine()) advance();
}

// The gap after each arrival event, drawn once per event in event order
// (the model's order: World::on_event), whichever thread runs it.
Duration ThreadArrivals::draw() {
  switch (grp_.arrival.kind) {
    case ArrivalSpec::Kind::spaced: return grp_.spacing;
    case ArrivalSpec::Kind::burst: return Duration{0};
    case ArrivalSpec::Kind::rate: return gaps_->next();
    case ArrivalSpec::Kind::concurrency: break;
  }
  return Duration{0};  // not an open-loop group: everything at once
}

std::optional<Time> ThreadArrivals::due() const {
  if (next_ >= grp_.count) return std::nullopt;
  return due_;
}

// The pending event starts connection next_, or every remaining one when
// its gap is 0: does that include one of this thread's?
bool ThreadArrivals::event_has_mine() const {
  if (mine(next_)) return true;
  if (gap_ != Duration{0}) return false;
  const std::uint32_t first_mine = next_ + (thread_ + threads_ - next_ % threads_) % threads_;
  return first_mine < grp_.count;
}

void ThreadArrivals::advance() {
  if (gap_ == Duration{0}) {
    next_ = grp_.count;
    return;
  }
  ++next_;
  due_ = due_ + gap_;
  if (next_ < grp_.count) gap_ = draw();
}

void ThreadArrivals::take(std::vector<std::uint32_t>& start_now) {
  const std::uint32_t end = gap_ == Duration{0} ? grp_.count : next_ + 1;
  for (std::uint32_t i = next_; i < end; ++i) {
    if (mine(i)) start_now.push_back(i);
  }
  advance();
  while (next_ < grp_.count && !event_has_mine()) advance();
}

std::string descriptors_exhausted_message(const std::string& conn, std::uint32_t started) {
  return fmt::format(
      "out of file descriptors at connection {} ({} connections started): raise the limit "
      "(ulimit -n; the runner already raised its soft limit to the hard limit) or use fewer concurrent "
      "connections",
      conn, started);
}

std::string ports_exhausted_message(const std::string& conn, std::uint32_t started, Time now) {
  const PortRange range = read_local_port_range();
  const SocketCounts socks = read_socket_counts();
  const double secs = std::max(1e-3, static_cast<double>(to_ns(now)) / 1e9);
  return fmt::format(
      "ephemeral ports exhausted (connect(): EADDRNOTAVAIL) at connection {}: {} connect() calls in {:.3f} s "
      "({:.0f}/s); net.ipv4.ip_local_port_range {}-{} gives {} ports; TCP sockets in use {}, in TIME_WAIT {}. "
      "A connection the client closes first holds its port in TIME_WAIT (reusable after 1 s on loopback with "
      "tcp_tw_reuse=2, 60 s otherwise). Fix: widen the range (synsim kernel --port-range 1024-65535; the runner "
      "widens it itself when it estimates the scenario needs more), close_style: rst (no TIME_WAIT), a server "
      "that closes first, or fewer/slower connections",
      conn, started, secs, static_cast<double>(started) / secs, range.low, range.high, range.size(), socks.in_use,
      socks.time_wait);
}

Duration close_wait_after_exchange(const scenario::Scenario& sc) {
  // The EOF is microseconds behind the response on loopback.
  constexpr Duration kEofWait = ms(5);
  const scenario::OnDataSpec& d = sc.server.on_data;
  const bool server_fin_follows = d.close == scenario::ServerClose::after_response && d.respond_bytes > 0;
  return server_fin_follows ? kEofWait : Duration{0};
}

}  // namespace synsim::kernel
