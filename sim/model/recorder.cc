#include "sim/model/recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "sim/core/sort_samples.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/latency.h"
#include "sim/scenario/connections.h"
#include "sim/tcp/diag.h"

namespace synsim::model {

Recorder::Recorder(const scenario::Scenario& sc, std::uint64_t seed, const Options& options, const Roster& roster,
                   tcp::Stack& stack, Trace& trace)
    : options_(options),
      sc_(sc),
      roster_(roster),
      stack_(stack),
      trace_(trace),
      run_end_(kTimeZero + sc.duration),
      conns_(out_.connections) {
  const std::uint32_t n = roster.total();
  entries_.resize(n);
  if (!options_.summary) {
    conns_.resize(n);
    for (std::uint32_t conn = 0; conn < n; ++conn) {
      entries_[conn].record = conn;
      conns_[conn].name = roster.name_of(conn);
      conns_[conn].group = sc.clients[roster.group_of(conn)].name;
      conns_[conn].index = roster.index_of(conn);
    }
  }
  summary_figures_.total = n;
  if (options_.summary) {
    // Every connection's waits are kept (exact quantiles): room for all of
    // them now, so that growing never copies them into fresh pages (27% of
    // the report load's page faults were such copies; the room not used is
    // never touched, so it costs no memory).
    for (outcome::LatencySamples& s : summary_figures_.latencies.of) s.finished.reserve(n);
    summary_figures_.stalls.reserve(n);
  }
  summary_figures_.stall_threshold = options_.stall_threshold;
  out_.info = run_info(sc, seed);
  if (options_.record_sockets) {
    stack_.track_changes(true);
    port_owner_ = ZeroedArray<std::uint32_t>(65536);
  }
}

// Full detail: every connection's record, by connection. Summary detail: a
// record from a pool while the connection lives (or is kept); a folded
// connection's late writes go to a scratch record nobody reads.
outcome::ConnectionRecord& Recorder::record(std::uint32_t conn) {
  Entry& e = entries_[conn];
  if (e.record != kNone) return options_.summary ? records_[e.record] : conns_[conn];
  if (e.folded) {
    scratch_ = outcome::ConnectionRecord{};
    return scratch_;
  }
  if (free_records_.empty()) {
    e.record = static_cast<std::uint32_t>(records_.size());
    records_.emplace_back();
  } else {
    e.record = free_records_.back();
    free_records_.pop_back();
  }
  outcome::ConnectionRecord& r = records_[e.record];
  r = outcome::ConnectionRecord{};  // named in finish(), if kept
  return r;
}

void Recorder::release_record(std::uint32_t conn) {
  Entry& e = entries_[conn];
  if (!options_.summary || e.record == kNone) return;
  free_records_.push_back(e.record);
  e.record = kNone;
}

// --- what the client socket reports ------------------------------------------

void Recorder::on_client_error(std::uint32_t conn, tcp::SockError e) {
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
  entries_[conn].incident = true;
}

void Recorder::on_client_done(std::uint32_t conn) {
  record(conn).closed = now();
  if (options_.summary) {
    settle(conn);
  } else {
    forget_if_uneventful(conn);
  }
}

// A connection that went through without incident needs no story: free its
// notes now, so a run of millions of connections keeps only the interesting ones.
void Recorder::forget_if_uneventful(std::uint32_t conn) {
  const Entry& e = entries_[conn];
  if (e.incident || outcome::slow(record(conn), options_.stall_threshold)) return;
  free_notes(conn);
}

// Summary detail, when the client socket is gone: a connection that
// completed without incident or stall is counted and forgets its record and
// story. Its server side may still see a segment or two (an RST it was
// sent, a late accept); those no longer change what it is counted as.
void Recorder::settle(std::uint32_t conn) {
  forget_if_uneventful(conn);  // as full detail does: the story so far is not worth telling
  Entry& e = entries_[conn];
  outcome::ConnectionRecord& r = record(conn);
  set_outcome(conn, r);
  if (outcome::worth_explaining(r, e.incident, options_.stall_threshold) ||
      roster_.index_of(conn) < options_.summary_first) {
    return;  // judged again, with everything, at finish()
  }
  copy_stack_figures(conn, r);
  count(r, false);
  ++summary_figures_.folded;
  free_notes(conn);
  release_record(conn);
  e.folded = true;
  stack_.retire(conn);
}

void Recorder::count(const outcome::ConnectionRecord& r, bool explained) {
  outcome::ConnectionSummary& s = summary_figures_;
  ++s.outcomes[static_cast<std::size_t>(r.outcome)];
  if (explained) ++s.explained;
  if (const auto stall = r.stall()) {
    s.stalls.push_back(to_ns(*stall));  // sorted at finish()
    if (*stall > s.stall_threshold) {
      ++s.stalled;
      s.stalled_deliveries.push_back(to_ns(*r.data_delivered - kTimeZero));  // sorted at finish()
    }
  }
  outcome::add_latencies(s.latencies, r, run_end_);
  s.max_syn_retransmits = std::max(s.max_syn_retransmits, r.syn_retransmits);
  s.max_synack_retransmits = std::max(s.max_synack_retransmits, r.synack_retransmits);
  s.max_data_retransmits = std::max(s.max_data_retransmits, r.data_retransmits);
  s.syn_retransmits += r.syn_retransmits;
  s.synack_retransmits += r.synack_retransmits;
  s.data_retransmits += r.data_retransmits;
  if (r.syncookie) ++s.syncookies;
  if (r.outcome == outcome::ConnectionOutcome::refused && r.error == "EADDRNOTAVAIL") ++s.ports_exhausted;
}

// --- what the stack reports --------------------------------------------------

void Recorder::on_wire(Time t, std::uint64_t id, const tcp::Segment& seg) {
  trace_.mix(to_ns(t));
  trace_.mix(static_cast<std::int64_t>(seg.conn) << 8 | seg.flags);
  trace_.mix(static_cast<std::int64_t>(seg.seq) << 32 | seg.ack);
  trace_.mix(seg.len);
  if (!options_.record_packets) return;
  (void)id;
  outcome::Packet p;
  p.time = t;
  const std::uint16_t cport = stack_.client_port(seg.conn);
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
  p.connection = options_.summary ? roster_.name_of(seg.conn) : conns_[seg.conn].name;
  out_.packets.push_back(std::move(p));
}

void Recorder::free_notes(std::uint32_t conn) {
  Entry& e = entries_[conn];
  for (std::uint32_t i = e.note_head; i != kNone; i = notes_[i].next) free_notes_.push_back(i);
  e.note_head = e.note_tail = kNone;
}

std::string Recorder::last_events() const {
  std::string out;
  const std::uint64_t n = std::min<std::uint64_t>(last_count_, last_.size());
  for (std::uint64_t k = last_count_ - n; k < last_count_; ++k) {
    const LastNote& l = last_[k % last_.size()];
    out += "  ";
    out += format_seconds(l.t);
    out += ' ';
    out += roster_.name_of(l.conn);
    out += ' ';
    out += outcome::debug_string(l.reason);
    out += '\n';
  }
  return out;
}

void Recorder::on_note(Time t, std::uint64_t id, std::uint32_t conn, const outcome::Reason& why, bool detached) {
  if (why.empty()) return;
  if (why.kind == outcome::ReasonKind::no_ephemeral_port) {
    summary_figures_.port_range_min = why.n;
    summary_figures_.port_range_max = why.m;
  }
  // For failure messages.
  LastNote& last = last_[last_count_++ % last_.size()];
  last.t = t;
  last.conn = conn;
  last.reason = why;
  // The connection's story, told only if it is worth it (finish()).
  if (!entries_[conn].folded) store_note(conn, t, why);
  if (!options_.record_packets) return;
  out_.annotations.push_back(outcome::Annotation{static_cast<std::size_t>(id), why,
                                                 options_.summary ? roster_.name_of(conn) : conns_[conn].name,
                                                 detached ? std::optional<Time>(t) : std::nullopt});
}

// Appends `why` to the connection's story, reusing a freed note if any.
void Recorder::store_note(std::uint32_t conn, Time t, const outcome::Reason& why) {
  Entry& e = entries_[conn];
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
  if (e.note_tail == kNone) {
    e.note_head = i;
  } else {
    notes_[e.note_tail].next = i;
  }
  e.note_tail = i;
  if (outcome::is_incident(why)) e.incident = true;
}

// --- the sockets, as netstat lists them --------------------------------------

namespace {

// The side's last sample is TIME_WAIT, or the end of it the recorder wrote
// ahead: nothing follows a TIME_WAIT sock in the model (the connection's
// state no longer changes), so the series is complete.
bool in_time_wait(const std::vector<outcome::SocketSample>& series) {
  const std::size_t n = series.size();
  if (n == 0) return false;
  if (series[n - 1].view.state == outcome::TcpState::time_wait) return true;
  return n >= 2 && series[n - 2].view.state == outcome::TcpState::time_wait;
}

}  // namespace

void Recorder::after_event() {
  if (!options_.record_sockets) return;
  for (const std::uint32_t conn : stack_.changed()) sample_sockets(conn);
  stack_.clear_changed();
}

// Both sockets of `conn` as tcp::client_view() and tcp::server_view() see
// them now, kept when they changed (connections counted and forgotten,
// summary detail, keep nothing).
void Recorder::sample_sockets(std::uint32_t conn) {
  if (entries_[conn].folded) return;
  const tcp::Conn& k = stack_.conn(conn);
  outcome::ConnectionSockets& s = record(conn).sockets;
  const bool unborn = s.client.empty();
  if (add_sample(s.client, tcp::client_view(k)) && unborn) took_port(conn);
  add_sample(s.server, tcp::server_view(k));
}

// Appends `v` at the current time when it differs from the series' last
// sample; true if it did. A TIME_WAIT sock is given its end at once,
// TCP_TIMEWAIT_LEN later (the model keeps no TIME_WAIT sock to end it; a
// sample after the run's end is dropped at finish()).
bool Recorder::add_sample(std::vector<outcome::SocketSample>& series, const outcome::SocketView& v) const {
  if (series.empty() ? v.state == outcome::TcpState::close : in_time_wait(series) || series.back().view == v) {
    return false;
  }
  series.push_back(outcome::SocketSample{now(), v});
  if (v.state == outcome::TcpState::time_wait) {
    series.push_back(outcome::SocketSample{now() + outcome::kTimeWaitLength, outcome::SocketView{}});
  }
  return true;
}

// `conn` has just taken its client port: a TIME_WAIT sock of the previous
// connection on that port ends now. On loopback the 4-tuple is the same, so
// connect() reuses it (tcp_twsk_unique(), tcp_tw_reuse) and the new SYN
// ends the server's (tcp_timewait_state_process(): TCP_TW_SYN).
void Recorder::took_port(std::uint32_t conn) {
  const std::uint16_t port = stack_.client_port(conn);
  if (port == 0) return;
  const std::uint32_t owner = std::exchange(port_owner_[port], conn + 1);
  if (owner == 0) return;
  const std::uint32_t before = owner - 1;
  if (before == conn || entries_[before].folded || entries_[before].record == kNone) return;
  outcome::ConnectionSockets& s = record(before).sockets;
  for (std::vector<outcome::SocketSample>* series : {&s.client, &s.server}) {
    // The end written ahead (add_sample) comes now.
    outcome::SocketSample* end = in_time_wait(*series) ? &series->back() : nullptr;
    if (end != nullptr && end->view.state == outcome::TcpState::close && end->time > now()) end->time = now();
  }
}

// --- the end of the run ------------------------------------------------------

// What the stack counted for the connection: its retransmissions, and
// whether a SYN cookie made it.
void Recorder::copy_stack_figures(std::uint32_t conn, outcome::ConnectionRecord& r) const {
  const tcp::Conn& k = stack_.conn(conn);
  r.syn_retransmits = k.client.syn_retransmits;
  r.synack_retransmits = k.synack_retransmits;
  r.data_retransmits = k.client.data_retransmits;
  r.syncookie = k.syncookie;
}

// The outcome a connection's record says it had, once its times are in.
void Recorder::set_outcome(std::uint32_t conn, outcome::ConnectionRecord& r) const {
  r.outcome = outcome::judged_outcome(r, scenario::script_of(sc_, sc_.clients[roster_.group_of(conn)]));
}

// A connection's story, when it has one to tell.
void Recorder::explain(std::uint32_t conn, outcome::ConnectionRecord& r, Duration stall_threshold) const {
  const Entry& e = entries_[conn];
  if (!outcome::worth_explaining(r, e.incident, stall_threshold)) return;
  std::size_t count = 0;
  for (std::uint32_t i = e.note_head; i != kNone; i = notes_[i].next) ++count;
  r.explanation.reserve(count + 2);
  for (std::uint32_t i = e.note_head; i != kNone; i = notes_[i].next) {
    r.explanation.push_back(outcome::ExplanationStep{notes_[i].t, notes_[i].reason});
  }
  if (const std::optional<outcome::Reason> end = outcome::conclusion(r)) {
    r.explanation.push_back(outcome::ExplanationStep{std::nullopt, *end});
  }
  // What netstat showed meanwhile, the report's own reading.
  if (const std::optional<outcome::Reason> netstat =
          outcome::waiting_sockets(r, stall_threshold, r.closed.value_or(run_end_))) {
    r.explanation.push_back(outcome::ExplanationStep{std::nullopt, *netstat});
  }
}

// Summary detail: count every connection; keep the first ones and those
// worth reading, up to the limit.
void Recorder::keep_or_fold(std::uint32_t conn, outcome::ConnectionRecord& r, Duration stall_threshold) {
  Entry& e = entries_[conn];
  const bool worth = outcome::worth_explaining(r, e.incident, stall_threshold);
  count(r, worth);
  const std::uint32_t index = roster_.index_of(conn);
  if (index < options_.summary_first || (worth && kept_.size() < options_.summary_records)) {
    r.group = sc_.clients[roster_.group_of(conn)].name;
    r.index = index;
    r.name = roster_.name_of(conn);
    explain(conn, r, stall_threshold);
    kept_.push_back(conn);
  } else {
    if (worth) ++summary_figures_.unrecorded;
    if (!worth) ++summary_figures_.folded;
    free_notes(conn);
    release_record(conn);
    e.folded = true;
  }
}

// The model's memory per connection, from its containers.
outcome::ModelMemory Recorder::memory(std::size_t app_bytes_per_connection) const {
  const bool summary = options_.summary;
  outcome::ModelMemory m;
  m.connections = roster_.total();
  // Stack states are recycled in summary detail (Stack::retire), so their
  // high-water mark is the live figure; full detail keeps every one.
  m.peak_live_connections = stack_.peak_states();
  m.bytes_per_connection = app_bytes_per_connection + sizeof(Entry) +
                           sizeof(std::uint32_t) /* Stack's slot index */ +
                           (summary ? 4 * sizeof(std::int64_t) /* stall; connect, first-byte and total latency */
                                    : sizeof(outcome::ConnectionRecord));
  m.bytes_per_live_connection = sizeof(tcp::Conn) + (summary ? sizeof(outcome::ConnectionRecord) : 0);
  m.peak_bytes = m.peak_live_connections * m.bytes_per_live_connection + m.connections * m.bytes_per_connection;
  return m;
}

outcome::Outcome Recorder::finish(Duration stall_threshold, std::size_t app_bytes_per_connection) {
  for (std::uint32_t c = 0; c < roster_.total(); ++c) {
    if (entries_[c].folded) continue;
    outcome::ConnectionRecord& r = record(c);
    copy_stack_figures(c, r);
    set_outcome(c, r);
    if (options_.summary) {
      keep_or_fold(c, r, stall_threshold);
    } else {
      explain(c, r, stall_threshold);
    }
  }
  if (options_.summary) {
    conns_.reserve(kept_.size());
    for (const std::uint32_t c : kept_) conns_.push_back(std::move(records_[entries_[c].record]));
    std::vector<outcome::ConnectionRecord>().swap(records_);
    sort_samples(summary_figures_.stalls);
    sort_samples(summary_figures_.stalled_deliveries);
    outcome::sort_latencies(summary_figures_.latencies);
    out_.summary = std::move(summary_figures_);
  }
  // The ends of TIME_WAIT socks written ahead, past the run's end: the sock
  // is still there when the run ends.
  for (outcome::ConnectionRecord& r : conns_) {
    for (std::vector<outcome::SocketSample>* series : {&r.sockets.client, &r.sockets.server}) {
      while (!series->empty() && series->back().time > run_end_) series->pop_back();
    }
  }
  out_.memory = memory(app_bytes_per_connection);
  // Annotations in packet order (a drop is noted when the packet arrives,
  // after later packets may already be on the wire).
  std::stable_sort(out_.annotations.begin(), out_.annotations.end(),
                   [](const outcome::Annotation& a, const outcome::Annotation& b) {
                     return a.packet_index < b.packet_index;
                   });
  const tcp::Counters& k = stack_.counters();
  for (std::size_t m = 0; m < static_cast<std::size_t>(tcp::Mib::kCount); ++m) {
    const auto mib = static_cast<tcp::Mib>(m);
    if (k.get(mib) != 0) out_.counters[std::string(tcp::mib_name(mib))] = k.get(mib);
  }
  return std::move(out_);
}

}  // namespace synsim::model
