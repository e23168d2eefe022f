#include "sim/model/world.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/model/run.h"
#include "sim/scenario/connections.h"
#include "sim/tcp/profile.h"
#include "sim/tcp/sysctls.h"

namespace synsim::model {

namespace {

using scenario::ArrivalSpec;
using scenario::CloseSpec;
using scenario::SendSpec;

tcp::SegmentClass to_class(scenario::SegmentKind k, bool* any) {
  *any = false;
  switch (k) {
    case scenario::SegmentKind::syn: return tcp::SegmentClass::syn;
    case scenario::SegmentKind::synack: return tcp::SegmentClass::synack;
    case scenario::SegmentKind::final_ack: return tcp::SegmentClass::final_ack;
    case scenario::SegmentKind::data: return tcp::SegmentClass::data;
    case scenario::SegmentKind::ack: return tcp::SegmentClass::ack;
    case scenario::SegmentKind::rst: return tcp::SegmentClass::rst;
    case scenario::SegmentKind::any: *any = true; return tcp::SegmentClass::syn;
  }
  return tcp::SegmentClass::syn;
}

tcp::StackConfig make_config(const scenario::Scenario& sc, std::uint64_t seed, const Costs& costs) {
  const tcp::Profile* profile = tcp::find_profile(sc.kernel);
  if (profile == nullptr) throw Unsupported(fmt::format("unknown kernel profile '{}'", sc.kernel));
  tcp::StackConfig cfg;
  cfg.profile = profile;
  cfg.sysctls = tcp::default_sysctls(profile->era);
  for (const scenario::SysctlSetting& s : sc.sysctls) {
    const tcp::SysctlInfo* info = tcp::find_sysctl(s.name);
    if (info == nullptr) throw Unsupported(fmt::format("unknown sysctl '{}'", s.name));
    cfg.sysctls.*(info->field) = s.value;
  }
  cfg.hz = sc.hz.value_or(profile->default_hz);
  cfg.seed = seed;
  cfg.server_port = sc.server.port;
  cfg.link_latency = sc.link.latency;
  cfg.cpus = sc.machine.cpus;
  cfg.softirq_packet_cost = costs.softirq_packet;
  cfg.timer_cpu = 0;  // socket timers fire where the loader's sockets were armed
  for (const scenario::LinkRule& r : sc.link.rules) {
    tcp::LinkRule rule;
    rule.conn = r.connection.empty() ? -1 : scenario::connection_index(sc, r.connection);
    if (!r.connection.empty() && rule.conn < 0) {
      throw Unsupported(fmt::format("link rule names unknown connection '{}'", r.connection));
    }
    rule.klass = to_class(r.segment, &rule.any_class);
    rule.nth = r.nth;
    rule.drop = r.action == scenario::LinkRule::Action::drop;
    rule.delay = r.delay;
    cfg.link_rules.push_back(rule);
  }
  return cfg;
}

}  // namespace

World::World(const scenario::Scenario& sc, std::uint64_t seed, bool record_packets, Duration stall_threshold,
             EventQueue& events, Trace& trace)
    : sc_(sc),
      events_(events),
      trace_(trace),
      record_packets_(record_packets),
      stall_threshold_(stall_threshold),
      conns_(out_.connections) {
  const auto n = static_cast<std::uint32_t>(scenario::total_connections(sc));
  costs_ = measured_costs();
  stack_ = std::make_unique<tcp::Stack>(make_config(sc, seed, costs_), n, events, *this);
  machine_ = std::make_unique<Machine>(sc.machine.cpus, sc.server.threads, costs_, events, *stack_, *this);
  apps_.resize(n);
  conns_.resize(n);
  std::uint32_t conn = 0;
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    groups_.push_back(GroupState{conn, 0, std::nullopt});
    if (sc.clients[g].arrival.kind == ArrivalSpec::Kind::rate) groups_.back().gaps.emplace(sc.clients[g], seed, g);
    for (std::uint32_t i = 0; i < sc.clients[g].count; ++i, ++conn) {
      apps_[conn].group = g;
      conns_[conn].name = fmt::format("{}#{}", sc.clients[g].name, i);
      conns_[conn].group = sc.clients[g].name;
      conns_[conn].index = i;
    }
  }
  const tcp::Profile& p = *tcp::find_profile(sc.kernel);
  out_.info.scenario = sc.name;
  out_.info.source = "model";
  out_.info.kernel = std::string(p.name);
  out_.info.hz = sc.hz.value_or(p.default_hz);
  out_.info.seed = seed;
  out_.info.duration = sc.duration;
  out_.info.server_port = sc.server.port;
}

void World::schedule(Time t, App kind, std::uint64_t arg) {
  events_.schedule(t < now() ? now() : t, this, static_cast<std::uint32_t>(kind), arg);
}

void World::start() {
  // The server listens before anything else happens.
  stack_->listen(sc_.server.backlog, sc_.server.defer_accept, sc_.server.syncnt.value_or(0));
  for (std::uint32_t g = 0; g < sc_.clients.size(); ++g) {
    const scenario::ClientGroup& grp = sc_.clients[g];
    Time first = kTimeZero + grp.start;
    if (grp.arrival.kind == ArrivalSpec::Kind::burst) first = kTimeZero + grp.arrival.burst_at;
    schedule(first, App::next_arrival, g);
  }
}

void World::on_event(std::uint32_t kind, std::uint64_t arg) {
  const auto conn = static_cast<std::uint32_t>(arg);
  switch (static_cast<App>(kind)) {
    case App::connect:
      start_connection(conn);
      return;
    case App::send:
      machine_->submit(Machine::Executor::loader, Task{Work::send, conn});
      return;
    case App::close:
      machine_->submit(Machine::Executor::loader, Task{Work::close, conn});
      return;
    case App::accept:
      accept_queued_ = false;
      want_accept();
      return;
    case App::next_arrival: {
      // Arrivals are generated one at a time per group, so a group of ten
      // million connections costs one pending event, not ten million.
      const auto g = static_cast<std::uint32_t>(arg);
      const scenario::ClientGroup& grp = sc_.clients[g];
      GroupState& gs = groups_[g];
      switch (grp.arrival.kind) {
        case ArrivalSpec::Kind::spaced:
        case ArrivalSpec::Kind::burst:
        case ArrivalSpec::Kind::rate: {
          Duration gap = grp.spacing;
          if (grp.arrival.kind == ArrivalSpec::Kind::burst) gap = Duration{0};
          if (grp.arrival.kind == ArrivalSpec::Kind::rate) gap = gs.gaps->next();
          // Same-time connects are handed to the loader in one go, in index order.
          do {
            start_connection(gs.first_conn + gs.next_index++);
          } while (gap == Duration{0} && gs.next_index < grp.count);
          if (gs.next_index < grp.count) schedule(now() + gap, App::next_arrival, g);
          return;
        }
        case ArrivalSpec::Kind::concurrency: {
          // Closed loop: keep `concurrency` connections in flight; each one
          // that ends starts the next (connection_over()).
          while (gs.next_index < grp.count && gs.next_index < grp.arrival.concurrency) {
            start_connection(gs.first_conn + gs.next_index++);
          }
          return;
        }
      }
      return;
    }
  }
}

// --- the machine's threads ---------------------------------------------------

Duration World::cost(const Task& t) const {
  switch (t.work) {
    case Work::connect: return costs_.connect;
    case Work::send: return costs_.send;
    case Work::read: {
      // The loader reads the response and, in the same handler, closes.
      const bool closes = group_of(t.conn).close.kind == CloseSpec::Kind::after_response;
      return costs_.read + (closes ? costs_.close : Duration{0});
    }
    case Work::close: return costs_.close;
    case Work::accept: return costs_.accept + sc_.server.accept.per_accept_cost;
    case Work::serve: {
      const scenario::OnDataSpec& d = sc_.server.on_data;
      const bool closes = d.close == scenario::ServerClose::after_response;
      return costs_.serve + d.cost + (closes ? costs_.close : Duration{0});
    }
    case Work::server_close: return costs_.close;
  }
  return Duration{0};
}

void World::execute(const Task& t) {
  switch (t.work) {
    case Work::connect: {
      const scenario::ClientGroup& grp = group_of(t.conn);
      conns_[t.conn].connect_start = now();
      stack_->connect(t.conn, grp.defer_final_ack);
      conns_[t.conn].client_port = stack_->client_port(t.conn);
      if (grp.close.kind == CloseSpec::Kind::at) schedule(kTimeZero + grp.close.at, App::close, t.conn);
      return;
    }
    case Work::send:
      client_send(t.conn);
      return;
    case Work::read:
      if (!conns_[t.conn].response_received) conns_[t.conn].response_received = now();
      if (group_of(t.conn).close.kind == CloseSpec::Kind::after_response) client_close(t.conn);
      return;
    case Work::close:
      client_close(t.conn);
      return;
    case Work::accept:
      do_accept();
      return;
    case Work::serve:
      server_read(t.conn);
      return;
    case Work::server_close:
      stack_->close_child(t.conn);
      return;
  }
}

void World::on_softirq_idle(std::uint32_t cpu) { machine_->softirq_idle(cpu); }

// --- client application ------------------------------------------------------

void World::start_connection(std::uint32_t conn) {
  machine_->submit(Machine::Executor::loader, Task{Work::connect, conn});
}

void World::on_connected(std::uint32_t conn) {
  conns_[conn].connect_done = now();
  const scenario::ClientGroup& grp = group_of(conn);
  if (grp.send) {
    if (grp.send->anchor == SendSpec::Anchor::after_connect && grp.send->time == Duration{0}) {
      machine_->submit(Machine::Executor::loader, Task{Work::send, conn});
    } else {
      const Time t =
          grp.send->anchor == SendSpec::Anchor::absolute ? kTimeZero + grp.send->time : now() + grp.send->time;
      schedule(t, App::send, conn);
    }
  } else if (grp.close.kind == CloseSpec::Kind::after_response) {
    machine_->submit(Machine::Executor::loader, Task{Work::close, conn});
  }
}

void World::client_send(std::uint32_t conn) {
  if (stack_->conn(conn).client.state != tcp::ClientState::established) return;
  conns_[conn].first_data_sent = now();
  stack_->send(conn, group_of(conn).send->bytes);
}

void World::client_close(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.closing) return;
  const tcp::ClientState st = stack_->conn(conn).client.state;
  if (st == tcp::ClientState::done || st == tcp::ClientState::closed) return;
  app.closing = true;
  stack_->close_client(conn, group_of(conn).close_style == scenario::CloseStyle::rst);
}

void World::on_data_acked(std::uint32_t conn) {
  if (sc_.server.on_data.respond_bytes == 0) after_exchange(conn);
}

void World::on_response(std::uint32_t conn, std::uint32_t bytes) {
  ClientApp& app = apps_[conn];
  const bool was_complete = app.response_bytes >= sc_.server.on_data.respond_bytes;
  app.response_bytes += bytes;
  // The loader's read() handler runs once the whole response is there.
  if (!was_complete && app.response_bytes >= sc_.server.on_data.respond_bytes) {
    machine_->submit(Machine::Executor::loader, Task{Work::read, conn});
  }
}

// The request was acked, when no response is expected.
void World::after_exchange(std::uint32_t conn) {
  if (group_of(conn).close.kind == CloseSpec::Kind::after_response) {
    machine_->submit(Machine::Executor::loader, Task{Work::close, conn});
  }
}

void World::on_client_fin(std::uint32_t conn) {
  // read() returns 0: the application closes, unless it never closes.
  if (group_of(conn).close.kind != CloseSpec::Kind::never) {
    machine_->submit(Machine::Executor::loader, Task{Work::close, conn});
  }
}

void World::on_client_done(std::uint32_t conn) {
  conns_[conn].closed = now();
  forget_if_uneventful(conn);
  connection_over(conn);
}

// A connection that went through without incident needs no story: free its
// notes now, so a run of millions of connections keeps only the interesting ones.
void World::forget_if_uneventful(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  const auto stall = conns_[conn].stall();
  if (app.incident || (stall && *stall > stall_threshold_)) return;
  std::vector<std::pair<Time, std::string>>().swap(app.notes);
}

void World::on_client_error(std::uint32_t conn, tcp::SockError e) {
  outcome::ConnectionRecord& r = conns_[conn];
  r.closed = now();
  switch (e) {
    case tcp::SockError::none:
      return;
    case tcp::SockError::econnreset:
      r.outcome = outcome::ConnectionOutcome::reset;
      r.error = "ECONNRESET";
      break;
    case tcp::SockError::etimedout:
      r.outcome = outcome::ConnectionOutcome::timed_out;
      r.error = "ETIMEDOUT";
      break;
    case tcp::SockError::econnrefused:
      r.outcome = outcome::ConnectionOutcome::refused;
      r.error = "ECONNREFUSED";
      break;
    case tcp::SockError::eaddrnotavail:
      r.outcome = outcome::ConnectionOutcome::refused;
      r.error = "EADDRNOTAVAIL";
      break;
  }
  apps_[conn].incident = true;
  connection_over(conn);
}

// A closed-loop group starts its next connection when one ends.
void World::connection_over(std::uint32_t conn) {
  const std::uint32_t g = apps_[conn].group;
  const scenario::ClientGroup& grp = sc_.clients[g];
  if (grp.arrival.kind != ArrivalSpec::Kind::concurrency) return;
  GroupState& gs = groups_[g];
  if (gs.next_index < grp.count) start_connection(gs.first_conn + gs.next_index++);
}

// --- server application ------------------------------------------------------

// sk_data_ready on the listener: the event loop will accept.
void World::on_accept_ready() { want_accept(); }

void World::want_accept() {
  if (sc_.server.accept.never || accept_queued_) return;
  accept_queued_ = true;
  accepts_this_wakeup_ = 0;
  machine_->submit(Machine::Executor::server, Task{Work::accept, 0});
}

// Before `start` and during pauses the application does not call accept().
bool World::accept_blocked_until(Time* wake) const {
  const scenario::AcceptSpec& a = sc_.server.accept;
  *wake = now();
  if (a.start && now() < kTimeZero + *a.start) *wake = kTimeZero + *a.start;
  for (const scenario::AcceptPause& p : a.pauses) {
    if (now() >= kTimeZero + p.at && now() < kTimeZero + p.at + p.length) *wake = kTimeZero + p.at + p.length;
  }
  return *wake > now();
}

// One accept() of the server's event loop. With `per_wakeup` 0 the loop
// keeps accepting until the queue is empty (EAGAIN) before it serves
// anything else; with N it serves the other ready sockets after N.
void World::do_accept() {
  Time wake{};
  if (accept_blocked_until(&wake)) {
    schedule(wake, App::accept, 0);  // accept_queued_ stays set until then
    return;
  }
  const std::int64_t conn = stack_->accept();
  if (conn < 0) {
    accept_queued_ = false;
    return;
  }
  const auto c = static_cast<std::uint32_t>(conn);
  conns_[c].accepted = now();
  if (stack_->conn(c).child.bytes_received > 0) machine_->submit(Machine::Executor::server, Task{Work::serve, c});
  if (stack_->listener().accept_queue.empty()) {
    accept_queued_ = false;
    return;
  }
  const std::uint32_t per_wakeup = sc_.server.accept.per_wakeup;
  if (per_wakeup == 0 || ++accepts_this_wakeup_ < per_wakeup) {
    machine_->submit(Machine::Executor::server, Task{Work::accept, 0}, /*front=*/true);
  } else {
    accepts_this_wakeup_ = 0;
    machine_->submit(Machine::Executor::server, Task{Work::accept, 0});
  }
}

void World::on_child_data(std::uint32_t conn, std::uint32_t) {
  if (!conns_[conn].data_delivered) machine_->submit(Machine::Executor::server, Task{Work::serve, conn});
}

void World::server_read(std::uint32_t conn) {
  outcome::ConnectionRecord& r = conns_[conn];
  if (r.data_delivered) return;
  r.data_delivered = now();
  const scenario::OnDataSpec& d = sc_.server.on_data;
  if (d.respond_bytes > 0) stack_->child_send(conn, d.respond_bytes);
  if (d.close == scenario::ServerClose::after_response) stack_->close_child(conn);
}

void World::on_child_fin(std::uint32_t conn) {
  // The server reads EOF and closes its side.
  if (stack_->conn(conn).child.accepted) machine_->submit(Machine::Executor::server, Task{Work::server_close, conn});
}

void World::on_child_reset(std::uint32_t) {}

// --- recording -------------------------------------------------------------

void World::on_wire(Time t, std::uint64_t id, const tcp::Segment& seg) {
  trace_.mix(to_ns(t));
  trace_.mix(static_cast<std::int64_t>(seg.conn) << 8 | seg.flags);
  trace_.mix(static_cast<std::int64_t>(seg.seq) << 32 | seg.ack);
  trace_.mix(seg.len);
  if (!record_packets_) return;
  (void)id;
  outcome::Packet p;
  p.time = t;
  const std::uint16_t cport = stack_->client_port(seg.conn);
  p.from_client = seg.from_client;
  p.src_port = seg.from_client ? cport : sc_.server.port;
  p.dst_port = seg.from_client ? sc_.server.port : cport;
  p.src_addr = sc_.server.address;
  p.dst_addr = sc_.server.address;
  p.flags = seg.flags;
  p.seq = seg.seq;
  p.ack = seg.ack;
  p.window = seg.window;
  p.length = seg.len;
  p.options.mss = seg.mss;
  p.options.sack_permitted = seg.sack_permitted;
  p.options.wscale = seg.wscale;
  p.options.has_timestamp = seg.has_ts;
  p.options.ts_val = seg.ts_val;
  p.options.ts_ecr = seg.ts_ecr;
  if (seg.has_sack) p.options.sack.push_back({seg.sack_left, seg.sack_right});
  p.connection = conns_[seg.conn].name;
  out_.packets.push_back(std::move(p));
}

void World::on_note(Time t, std::uint64_t id, std::uint32_t conn, const std::string& text, bool detached) {
  ClientApp& app = apps_[conn];
  trace_.record(t, conns_[conn].name + " " + text);
  // Formatted only if the connection turns out to need its story (finish()).
  app.notes.emplace_back(t, text);
  // Everything the stack explains is out of the ordinary except a child
  // created on the first try, data queued, and a scripted RST close.
  if (text.find("request bytes queued") == std::string::npos &&
      text.find("creates the child: accept queue") == std::string::npos &&
      text.find("close with SO_LINGER") == std::string::npos) {
    app.incident = true;
  }
  if (!record_packets_) return;
  out_.annotations.push_back(outcome::Annotation{
      static_cast<std::size_t>(id), detached ? fmt::format("at {}: {}", format_seconds(t), text) : text,
      conns_[conn].name});
}

outcome::Outcome World::finish(Time end, Duration stall_threshold) {
  (void)end;
  for (std::uint32_t c = 0; c < conns_.size(); ++c) {
    outcome::ConnectionRecord& r = conns_[c];
    const tcp::Conn& k = stack_->conn(c);
    const scenario::ClientGroup& grp = group_of(c);
    r.syn_retransmits = k.client.syn_retransmits;
    r.synack_retransmits = k.synack_retransmits;
    r.data_retransmits = k.client.data_retransmits;
    r.syncookie = k.syncookie;
    if (r.error.empty()) {
      bool done = r.connect_done.has_value();
      if (grp.send) done = done && r.data_delivered.has_value();
      if (grp.send && sc_.server.on_data.respond_bytes > 0) done = done && r.response_received.has_value();
      if (grp.close.kind != CloseSpec::Kind::never) done = done && r.closed.has_value();
      r.outcome = done ? outcome::ConnectionOutcome::completed : outcome::ConnectionOutcome::open_at_end;
    }
    const auto stall = r.stall();
    const bool stalled = stall && *stall > stall_threshold;
    if (apps_[c].incident || stalled || r.outcome != outcome::ConnectionOutcome::completed) {
      r.explanation.reserve(apps_[c].notes.size() + 1);
      for (const auto& [t, text] : apps_[c].notes) r.explanation.push_back(format_seconds(t) + " " + text);
      if (stall) {
        r.explanation.push_back(fmt::format("=> the request waited {} between its first transmission ({}) and "
                                            "its delivery to the server application ({})",
                                            format_duration(*stall), format_seconds(*r.first_data_sent),
                                            format_seconds(*r.data_delivered)));
      } else if (r.first_data_sent && !r.data_delivered) {
        r.explanation.push_back(fmt::format("=> the request sent at {} was never delivered ({})",
                                            format_seconds(*r.first_data_sent), outcome::to_string(r.outcome)));
      }
    }
  }
  // Annotations in packet order (a drop is noted when the packet arrives,
  // after later packets may already be on the wire).
  std::stable_sort(out_.annotations.begin(), out_.annotations.end(),
                   [](const outcome::Annotation& a, const outcome::Annotation& b) {
                     return a.packet_index < b.packet_index;
                   });
  const tcp::Counters& k = stack_->counters();
  for (std::size_t m = 0; m < static_cast<std::size_t>(tcp::Mib::kCount); ++m) {
    const auto mib = static_cast<tcp::Mib>(m);
    if (k.get(mib) != 0) out_.counters[std::string(tcp::mib_name(mib))] = k.get(mib);
  }
  return std::move(out_);
}

}  // namespace synsim::model
