#include "sim/model/world.h"

namespace synsim::model {

namespace {

using scenario::ArrivalSpec;
using scenario::CloseSpec;
using scenario::SendSpec;

}  // namespace

World::World(const scenario::Scenario& sc, std::uint64_t seed, const Recorder::Options& recording,
             EventQueue& events, Trace& trace)
    : sc_(sc),
      events_(events),
      roster_(sc),
      costs_(machine_costs(sc, seed)),
      stack_(std::make_unique<tcp::Stack>(stack_config(sc, seed, costs_), roster_.total(), events, *this)),
      recorder_(sc, seed, recording, roster_, *stack_, trace),
      machine_(make_machine(sc, seed, costs_, events, *stack_, *this)),
      apps_(roster_.total()),
      loader_threads_(std::max<std::uint32_t>(1, sc.loader.threads)) {
  for (std::uint32_t g = 0; g < sc.clients.size(); ++g) {
    groups_.push_back(GroupState{0, std::nullopt});
    if (sc.clients[g].arrival.kind == ArrivalSpec::Kind::rate) groups_.back().gaps.emplace(sc.clients[g], seed, g);
  }
}

void World::schedule(Time t, App kind, std::uint32_t arg) {
  events_.schedule(t < now() ? now() : t, this, Event{kind, arg});
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

void World::on_event(Event e) {
  const std::uint32_t conn = e.arg;
  switch (e.kind) {
    // The loader's timeline: due now, run after its loop's socket handlers.
    case App::send:
      machine_->submit_due(loader_of(conn), Task{Work::send, conn});
      return;
    case App::close:
      machine_->submit_due(loader_of(conn), Task{Work::close, conn});
      return;
    case App::accept:
      accept_queued_ = false;
      want_accept();
      return;
    case App::next_arrival: {
      // Arrivals are generated one at a time per group, so a group of ten
      // million connections costs one pending event, not ten million.
      const std::uint32_t g = e.arg;
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
            const std::uint32_t i = gs.next_index++;
            start_connection(roster_.first_of(g) + i, i % loader_threads_);
          } while (gap == Duration{0} && gs.next_index < grp.count);
          if (gs.next_index < grp.count) schedule(now() + gap, App::next_arrival, g);
          return;
        }
        case ArrivalSpec::Kind::concurrency: {
          // Closed loop: keep `concurrency` connections in flight; each one
          // that ends starts the next (connection_over()).
          // Loader thread t keeps its share: the i-th of the first ones runs
          // on thread i mod threads, and each one that ends starts the next
          // on its own thread.
          while (gs.next_index < grp.count && gs.next_index < grp.arrival.concurrency) {
            const std::uint32_t i = gs.next_index++;
            start_connection(roster_.first_of(g) + i, i % loader_threads_);
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
    // The handler that sees the connect complete only records it: the
    // request (or the close) is on the loop's timeline (app_connected()).
    case Work::connected: return Duration{0};
    case Work::send: return costs_.send;
    case Work::read: return costs_.read;
    // A close of a connection already closed returns at once (a second
    // timeline entry for it: after the exchange and on the EOF).
    case Work::close: return apps_[t.conn].closing || apps_[t.conn].over ? Duration{0} : costs_.close;
    case Work::accept: return costs_.accept + sc_.server.accept.per_accept_cost;
    case Work::serve: {
      const scenario::OnDataSpec& d = sc_.server.on_data;
      const bool closes = d.close == scenario::ServerClose::after_response;
      return costs_.serve + d.cost + (closes ? costs_.close : Duration{0});
    }
    case Work::server_close: return costs_.close;
    case Work::failed: return Duration{0};
  }
  return Duration{0};
}

void World::execute(const Task& t) {
  switch (t.work) {
    case Work::connect: {
      const scenario::ClientGroup& grp = group_of(t.conn);
      recorder_.record(t.conn).connect_start = now();
      stack_->connect(t.conn, grp.defer_final_ack);
      recorder_.record(t.conn).client_port = stack_->client_port(t.conn);
      if (grp.close.kind == CloseSpec::Kind::at) schedule(kTimeZero + grp.close.at, App::close, t.conn);
      return;
    }
    case Work::connected:
      app_connected(t.conn);
      return;
    case Work::send:
      client_send(t.conn);
      return;
    case Work::read:
      client_read(t.conn);
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
      // The server's read() returned 0 (on_child_fin): it has read the FIN, and closes.
      stack_->child_read(t.conn);
      stack_->close_child(t.conn);
      return;
    case Work::failed:
      client_failed(t.conn);
      return;
  }
}

void World::on_softirq_idle(std::uint32_t cpu) { machine_->softirq_idle(cpu); }

// --- client application ------------------------------------------------------

// The connect() is on the loader's timeline (PlainLoop: kArrival, kStart).
void World::start_connection(std::uint32_t conn, std::uint32_t thread) {
  apps_[conn].thread = static_cast<std::uint8_t>(thread);
  machine_->submit_due(machine_->loader(apps_[conn].thread), Task{Work::connect, conn});
}

// The socket is ESTABLISHED (tcp_rcv_synsent_state_process): the loader's
// event loop learns it when it next runs, and that is when connect()
// returns for the user (ConnectionRecord::connect_done), as the kernel
// runner's loaders record it.
void World::on_connected(std::uint32_t conn) { machine_->submit(loader_of(conn), Task{Work::connected, conn}); }

bool World::sends_at_once(const scenario::ClientGroup& grp) {
  return grp.send && grp.send->anchor == SendSpec::Anchor::after_connect && grp.send->time == Duration{0};
}

void World::app_connected(std::uint32_t conn) {
  recorder_.record(conn).connect_done = now();
  const scenario::ClientGroup& grp = group_of(conn);
  if (grp.send) {
    if (sends_at_once(grp)) {
      machine_->submit_due(loader_of(conn), Task{Work::send, conn});
    } else {
      const Time t =
          grp.send->anchor == SendSpec::Anchor::absolute ? kTimeZero + grp.send->time : now() + grp.send->time;
      schedule(t, App::send, conn);
    }
  } else if (grp.close.kind == CloseSpec::Kind::after_response) {
    machine_->submit_due(loader_of(conn), Task{Work::close, conn});
  }
}

void World::client_send(std::uint32_t conn) {
  if (stack_->conn(conn).client.state != tcp::ClientState::established) return;
  recorder_.record(conn).first_data_sent = now();
  stack_->send(conn, group_of(conn).send->bytes);
}

void World::client_close(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.closing) return;
  const tcp::ClientState st = stack_->conn(conn).client.state;
  if (st == tcp::ClientState::done || st == tcp::ClientState::closed) return;
  app.closing = true;
  // A close because read() returned 0 follows that read: the FIN is read.
  if (app.eof) stack_->read(conn);
  stack_->close_client(conn, group_of(conn).close_style == scenario::CloseStyle::rst);
  // close() returned: the application is done with the connection, and a
  // closed loop starts its next one now, while the socket's FIN_WAIT (the
  // kernel's business) goes on; as the kernel runner's loaders do.
  connection_over(conn);
}

void World::on_data_acked(std::uint32_t conn) {
  if (sc_.server.on_data.respond_bytes == 0) after_exchange(conn);
}

void World::on_response(std::uint32_t conn, std::uint32_t bytes) {
  ClientApp& app = apps_[conn];
  const bool was_complete = app.response_bytes >= sc_.server.on_data.respond_bytes;
  app.response_bytes += bytes;
  // The loader's read() handler runs once the whole response is there.
  if (!was_complete && app.response_bytes >= sc_.server.on_data.respond_bytes) want_read(conn);
}

// The socket turned readable: one handler, however many segments came
// before it ran (an edge-triggered epoll event per socket).
void World::want_read(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  // A closed descriptor has left the epoll set (a FIN in FIN_WAIT wakes nobody).
  if (app.read_queued || app.closing || app.over) return;
  app.read_queued = true;
  machine_->submit(loader_of(conn), Task{Work::read, conn});
}

// PlainLoop::read_all: the loader reads what is there, the response and the
// FIN behind it; a whole response ends the exchange, a read() of 0 puts a
// close on the timeline.
void World::client_read(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  app.read_queued = false;
  stack_->read(conn);
  if (app.response_bytes >= sc_.server.on_data.respond_bytes && sc_.server.on_data.respond_bytes > 0) {
    if (outcome::ConnectionRecord& r = recorder_.record(conn); !r.response_received) r.response_received = now();
    after_exchange(conn);
  }
  if (app.eof && group_of(conn).close.kind != CloseSpec::Kind::never) {
    machine_->submit_due(loader_of(conn), Task{Work::close, conn});
  }
}

// The exchange is over (the whole response read, or the request acked when
// no response is expected): a closing client puts its close on the
// timeline (PlainLoop::after_exchange).
// Deviation: when the server's FIN follows its response, the kernel
// runner's loader also sets a 5 ms timer to close should the FIN not come
// (loader_shares.cc close_wait_after_exchange()); the model closes on the
// FIN alone, which on loopback comes with the response.
void World::after_exchange(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.exchanged) return;
  app.exchanged = true;
  if (group_of(conn).close.kind != CloseSpec::Kind::after_response) return;
  const scenario::OnDataSpec& d = sc_.server.on_data;
  if (d.close == scenario::ServerClose::after_response && d.respond_bytes > 0) return;
  machine_->submit_due(loader_of(conn), Task{Work::close, conn});
}

void World::on_client_fin(std::uint32_t conn) {
  // The FIN makes the socket readable: read() returns 0 (client_read()).
  apps_[conn].eof = true;
  want_read(conn);
}

void World::on_client_done(std::uint32_t conn) {
  recorder_.on_client_done(conn);
  connection_over(conn);
}

// A socket error (a reset, a connect() refused or timed out) is seen by the
// loader's event loop in its next pass (PlainLoop::on_socket -> fail(): the
// error recorded, then the closed loop's next connect() on the timeline).
// EADDRNOTAVAIL is connect()'s own return value, seen in the call; a socket
// the application has closed is in no epoll set, and its error is only
// recorded.
void World::on_client_error(std::uint32_t conn, tcp::SockError e) {
  ClientApp& app = apps_[conn];
  if (e == tcp::SockError::none || e == tcp::SockError::eaddrnotavail || app.closing || app.over) {
    recorder_.on_client_error(conn, e);
    // An error ends the connection (its closed-loop group starts the next);
    // SockError::none is not one.
    if (e != tcp::SockError::none) connection_over(conn);
    return;
  }
  if (app.error != 0) return;  // one error a socket
  app.error = static_cast<std::uint8_t>(e);
  machine_->submit(loader_of(conn), Task{Work::failed, conn});
}

void World::client_failed(std::uint32_t conn) {
  recorder_.on_client_error(conn, static_cast<tcp::SockError>(apps_[conn].error));
  connection_over(conn);
}

// A closed-loop group starts its next connection when one ends.
void World::connection_over(std::uint32_t conn) {
  if (apps_[conn].over) return;
  apps_[conn].over = true;
  const std::uint32_t g = roster_.group_of(conn);
  const scenario::ClientGroup& grp = sc_.clients[g];
  if (grp.arrival.kind != ArrivalSpec::Kind::concurrency) return;
  GroupState& gs = groups_[g];
  if (gs.next_index < grp.count) start_connection(roster_.first_of(g) + gs.next_index++, apps_[conn].thread);
}

// --- server application ------------------------------------------------------

// sk_data_ready on the listener: the event loop will accept.
void World::on_accept_ready() { want_accept(); }

void World::want_accept() {
  if (sc_.server.accept.never || accept_queued_) return;
  accept_queued_ = true;
  accepts_this_wakeup_ = 0;
  machine_->submit(machine_->server(), Task{Work::accept, 0});
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
  recorder_.record(c).accepted = now();
  if (stack_->conn(c).child.bytes_received > 0) machine_->submit(machine_->server(), Task{Work::serve, c});
  if (stack_->listener().accept_queue.empty()) {
    accept_queued_ = false;
    return;
  }
  const std::uint32_t per_wakeup = sc_.server.accept.per_wakeup;
  if (per_wakeup == 0 || ++accepts_this_wakeup_ < per_wakeup) {
    machine_->submit(machine_->server(), Task{Work::accept, 0}, /*front=*/true);
  } else {
    accepts_this_wakeup_ = 0;
    machine_->submit(machine_->server(), Task{Work::accept, 0});
  }
}

void World::on_child_data(std::uint32_t conn, std::uint32_t) {
  if (!apps_[conn].delivered) machine_->submit(machine_->server(), Task{Work::serve, conn});
}

void World::server_read(std::uint32_t conn) {
  ClientApp& app = apps_[conn];
  if (app.delivered) return;
  app.delivered = true;
  stack_->child_read(conn);
  recorder_.record(conn).data_delivered = now();
  const scenario::OnDataSpec& d = sc_.server.on_data;
  if (d.respond_bytes > 0) stack_->child_send(conn, d.respond_bytes);
  if (d.close == scenario::ServerClose::after_response) stack_->close_child(conn);
}

void World::on_child_fin(std::uint32_t conn) {
  // The server reads EOF and closes its side.
  if (stack_->conn(conn).child.accepted) machine_->submit(machine_->server(), Task{Work::server_close, conn});
}

void World::on_child_reset(std::uint32_t) {}

// --- what the stack reports, for the recorder --------------------------------

void World::on_wire(Time t, std::uint64_t id, const tcp::Segment& seg) { recorder_.on_wire(t, id, seg); }

void World::on_note(Time t, std::uint64_t id, std::uint32_t conn, const outcome::Reason& why, bool detached) {
  recorder_.on_note(t, id, conn, why, detached);
}

outcome::Outcome World::finish(Time end, Duration stall_threshold) {
  (void)end;
  outcome::Outcome out = recorder_.finish(stall_threshold, sizeof(ClientApp));
  for (std::uint32_t t = 0; t < loader_threads_; ++t) out.info.loader_threads += machine_->times(machine_->loader(t), 1);
  out.info.server_threads = machine_->times(machine_->server(), std::max<std::uint32_t>(1, sc_.server.threads));
  return out;
}

}  // namespace synsim::model
