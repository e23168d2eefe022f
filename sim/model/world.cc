#include "sim/model/world.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/model/translate.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/latency.h"
#include "sim/scenario/connections.h"

namespace synsim::model {

namespace {

using scenario::ArrivalSpec;
using scenario::CloseSpec;
using scenario::SendSpec;

}  // namespace

World::World(const scenario::Scenario& sc, std::uint64_t seed, bool record_packets, Duration stall_threshold,
             EventQueue& events, Trace& trace, bool summary, std::uint32_t summary_first,
             std::uint32_t summary_records)
    : summary_(summary),
      summary_first_(summary_first),
      summary_records_(summary_records),
      sc_(sc),
      events_(events),
      trace_(trace),
      record_packets_(record_packets),
      stall_threshold_(stall_threshold),
      run_end_(kTimeZero + sc.duration),
      conns_(out_.connections) {
  const auto n = static_cast<std::uint32_t>(scenario::total_connections(sc));
  costs_ = measured_costs();
  stack_ = std::make_unique<tcp::Stack>(stack_config(sc, seed, costs_), n, events, *this);
  machine_ = make_machine(sc, seed, costs_, events, *stack_, *this);
  total_ = n;
  apps_.resize(n);
  if (!summary_) conns_.resize(n);
  std::uint32_t conn = 0;
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    groups_.push_back(GroupState{conn, 0, std::nullopt});
    if (sc.clients[g].arrival.kind == ArrivalSpec::Kind::rate) groups_.back().gaps.emplace(sc.clients[g], seed, g);
    for (std::uint32_t i = 0; i < sc.clients[g].count; ++i, ++conn) {
      apps_[conn].group = g;
      if (summary_) continue;
      apps_[conn].record = conn;
      conns_[conn].name = fmt::format("{}#{}", sc.clients[g].name, i);
      conns_[conn].group = sc.clients[g].name;
      conns_[conn].index = i;
    }
  }
  summary_figures_.total = n;
  summary_figures_.stall_threshold = stall_threshold;
  out_.info = run_info(sc, seed);
}

std::string World::name_of(std::uint32_t conn) const {
  const std::uint32_t g = apps_[conn].group;
  return fmt::format("{}#{}", sc_.clients[g].name, conn - groups_[g].first_conn);
}

// Full detail: every connection's record, by connection. Summary detail: a
// record from a pool while the connection lives (or is kept); a folded
// connection's late writes go to a scratch record nobody reads.
outcome::ConnectionRecord& World::record(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.record != kNone) return summary_ ? records_[app.record] : conns_[conn];
  if (app.folded) {
    scratch_ = outcome::ConnectionRecord{};
    return scratch_;
  }
  if (free_records_.empty()) {
    app.record = static_cast<std::uint32_t>(records_.size());
    records_.emplace_back();
  } else {
    app.record = free_records_.back();
    free_records_.pop_back();
  }
  outcome::ConnectionRecord& r = records_[app.record];
  r = outcome::ConnectionRecord{};  // named in finish(), if kept
  return r;
}

void World::release_record(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (!summary_ || app.record == kNone) return;
  free_records_.push_back(app.record);
  app.record = kNone;
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
      record(t.conn).connect_start = now();
      stack_->connect(t.conn, grp.defer_final_ack);
      record(t.conn).client_port = stack_->client_port(t.conn);
      if (grp.close.kind == CloseSpec::Kind::at) schedule(kTimeZero + grp.close.at, App::close, t.conn);
      return;
    }
    case Work::send:
      client_send(t.conn);
      return;
    case Work::read:
      if (outcome::ConnectionRecord& r = record(t.conn); !r.response_received) r.response_received = now();
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
  record(conn).connect_done = now();
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
  record(conn).first_data_sent = now();
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
  record(conn).closed = now();
  if (summary_) {
    settle(conn);
  } else {
    forget_if_uneventful(conn);
  }
  connection_over(conn);
}

// A connection that went through without incident needs no story: free its
// notes now, so a run of millions of connections keeps only the interesting ones.
void World::forget_if_uneventful(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.incident || outcome::slow(record(conn), stall_threshold_)) return;
  free_notes(conn);
}

// Summary detail, when the client socket is gone: a connection that
// completed without incident or stall is counted and forgets its record and
// story. Its server side may still see a segment or two (an RST it was
// sent, a late accept); those no longer change what it is counted as.
void World::settle(std::uint32_t conn) {
  forget_if_uneventful(conn);  // as full detail does: the story so far is not worth telling
  ClientApp& app = apps_[conn];
  outcome::ConnectionRecord& r = record(conn);
  set_outcome(conn, r);
  const std::uint32_t index = conn - groups_[app.group].first_conn;
  if (outcome::worth_explaining(r, app.incident, stall_threshold_) || index < summary_first_) {
    return;  // judged again, with everything, at finish()
  }
  const tcp::Conn& k = stack_->conn(conn);
  r.syn_retransmits = k.client.syn_retransmits;
  r.synack_retransmits = k.synack_retransmits;
  r.data_retransmits = k.client.data_retransmits;
  r.syncookie = k.syncookie;
  count(r, false);
  ++summary_figures_.folded;
  free_notes(conn);
  release_record(conn);
  app.folded = true;
  stack_->retire(conn);
}

void World::count(const outcome::ConnectionRecord& r, bool explained) {
  outcome::ConnectionSummary& s = summary_figures_;
  ++s.outcomes[static_cast<std::size_t>(r.outcome)];
  if (explained) ++s.explained;
  if (const auto stall = r.stall()) {
    s.stalls.push_back(to_ns(*stall));  // sorted at finish()
    if (*stall > s.stall_threshold) ++s.stalled;
  }
  outcome::add_latencies(s.latencies, r, run_end_);
  s.max_syn_retransmits = std::max(s.max_syn_retransmits, r.syn_retransmits);
  s.max_synack_retransmits = std::max(s.max_synack_retransmits, r.synack_retransmits);
  s.max_data_retransmits = std::max(s.max_data_retransmits, r.data_retransmits);
  if (r.syncookie) ++s.syncookies;
}

void World::on_client_error(std::uint32_t conn, tcp::SockError e) {
  outcome::ConnectionRecord& r = record(conn);
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
// (A pause stops the whole server, Machine::pause; this catches an accept
// task that started just before one.)
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
  record(c).accepted = now();
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
  if (!apps_[conn].delivered) machine_->submit(Machine::Executor::server, Task{Work::serve, conn});
}

void World::server_read(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.delivered) return;
  app.delivered = true;
  record(conn).data_delivered = now();
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
  p.connection = summary_ ? name_of(seg.conn) : conns_[seg.conn].name;
  out_.packets.push_back(std::move(p));
}

void World::free_notes(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  for (std::uint32_t i = app.note_head; i != kNone; i = notes_[i].next) free_notes_.push_back(i);
  app.note_head = app.note_tail = kNone;
}

std::string World::last_events() const {
  std::string out;
  const std::uint64_t n = std::min<std::uint64_t>(last_count_, last_.size());
  for (std::uint64_t k = last_count_ - n; k < last_count_; ++k) {
    const LastNote& l = last_[k % last_.size()];
    out += "  ";
    out += format_seconds(l.t);
    out += ' ';
    out += name_of(l.conn);
    out += ' ';
    out += outcome::debug_string(l.reason);
    out += '\n';
  }
  return out;
}

void World::on_note(Time t, std::uint64_t id, std::uint32_t conn, const outcome::Reason& why, bool detached) {
  if (why.empty()) return;
  ClientApp& app = apps_[conn];
  // For failure messages.
  LastNote& last = last_[last_count_++ % last_.size()];
  last.t = t;
  last.conn = conn;
  last.reason = why;
  if (!app.folded) {
    // The connection's story, told only if it is worth it (finish()).
    std::uint32_t i;
    if (free_notes_.empty()) {
      i = static_cast<std::uint32_t>(notes_.size());
      notes_.emplace_back();
    } else {
      i = free_notes_.back();
      free_notes_.pop_back();
    }
    StoredNote& n = notes_[i];
    n.t = t;
    n.reason = why;
    n.next = kNone;
    if (app.note_tail == kNone) {
      app.note_head = i;
    } else {
      notes_[app.note_tail].next = i;
    }
    app.note_tail = i;
    if (outcome::is_incident(why)) app.incident = true;
  }
  if (!record_packets_) return;
  out_.annotations.push_back(outcome::Annotation{static_cast<std::size_t>(id), why,
                                                 summary_ ? name_of(conn) : conns_[conn].name,
                                                 detached ? std::optional<Time>(t) : std::nullopt});
}

// The outcome a connection's record says it had, once its times are in.
void World::set_outcome(std::uint32_t conn, outcome::ConnectionRecord& r) const {
  r.outcome = outcome::judged_outcome(r, scenario::script_of(sc_, group_of(conn)));
}

// A connection's story, when it has one to tell.
void World::explain(std::uint32_t conn, outcome::ConnectionRecord& r, Duration stall_threshold) const {
  const ClientApp& app = apps_[conn];
  if (!outcome::worth_explaining(r, app.incident, stall_threshold)) return;
  const auto stall = r.stall();
  std::size_t count = 0;
  for (std::uint32_t i = app.note_head; i != kNone; i = notes_[i].next) ++count;
  r.explanation.reserve(count + 1);
  for (std::uint32_t i = app.note_head; i != kNone; i = notes_[i].next) {
    r.explanation.push_back(outcome::ExplanationStep{notes_[i].t, notes_[i].reason});
  }
  if (const std::optional<outcome::Reason> end = outcome::conclusion(r)) {
    r.explanation.push_back(outcome::ExplanationStep{std::nullopt, *end});
  }
}

outcome::Outcome World::finish(Time end, Duration stall_threshold) {
  (void)end;
  for (std::uint32_t c = 0; c < total_; ++c) {
    ClientApp& app = apps_[c];
    if (app.folded) continue;
    outcome::ConnectionRecord& r = record(c);
    const tcp::Conn& k = stack_->conn(c);
    r.syn_retransmits = k.client.syn_retransmits;
    r.synack_retransmits = k.synack_retransmits;
    r.data_retransmits = k.client.data_retransmits;
    r.syncookie = k.syncookie;
    set_outcome(c, r);
    if (!summary_) {
      explain(c, r, stall_threshold);
      continue;
    }
    // Summary detail: count every connection; keep the first ones and those
    // worth reading, up to the limit.
    const bool worth = outcome::worth_explaining(r, app.incident, stall_threshold);
    count(r, worth);
    const std::uint32_t index = c - groups_[app.group].first_conn;
    if (index < summary_first_ || (worth && kept_.size() < summary_records_)) {
      r.group = sc_.clients[app.group].name;
      r.index = index;
      r.name = name_of(c);
      explain(c, r, stall_threshold);
      kept_.push_back(c);
    } else {
      if (worth) ++summary_figures_.unrecorded;
      if (!worth) ++summary_figures_.folded;
      free_notes(c);
      release_record(c);
      app.folded = true;
    }
  }
  if (summary_) {
    conns_.reserve(kept_.size());
    for (const std::uint32_t c : kept_) conns_.push_back(std::move(records_[apps_[c].record]));
    std::vector<outcome::ConnectionRecord>().swap(records_);
    std::sort(summary_figures_.stalls.begin(), summary_figures_.stalls.end());
    outcome::sort_latencies(summary_figures_.latencies);
    out_.summary = std::move(summary_figures_);
  }
  // The model's memory per connection, from its containers.
  outcome::ModelMemory m;
  m.connections = total_;
  // Stack states are recycled in summary detail (Stack::retire), so their
  // high-water mark is the live figure; full detail keeps every one.
  m.peak_live_connections = stack_->peak_states();
  m.bytes_per_connection = sizeof(ClientApp) + sizeof(std::uint32_t) /* Stack's slot index */ +
                           (summary_ ? 4 * sizeof(std::int64_t) /* stall; connect, first-byte and total latency */
                                     : sizeof(outcome::ConnectionRecord));
  m.bytes_per_live_connection = sizeof(tcp::Conn) + (summary_ ? sizeof(outcome::ConnectionRecord) : 0);
  m.peak_bytes = m.peak_live_connections * m.bytes_per_live_connection + m.connections * m.bytes_per_connection;
  out_.memory = m;
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
