#include "sim/capture/stream_explainer.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "sim/capture/connection_reading.h"
#include "sim/capture/story.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/latency.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

namespace {

// When a connection can no longer change, read off the kernel's timers:
//   - silent, not closed: the longest a live socket waits between two
//     transmissions is its retransmission backoff, capped at TCP_RTO_MAX
//     (120 s; SYN retransmissions 1-32 s, SYN-ACK 1-16 s under the default
//     tcp_syn_retries/tcp_synack_retries): a connection silent for longer is
//     read. (An application may still write later, or a keepalive probe
//     come after tcp_keepalive_time: that segment finds it gone, below.)
constexpr Duration kIdle = sec(120) + sec(1);  // TCP_RTO_MAX, and a second
//   - closed (an RST, or both FINs and the ACK of the second): only the
//     segments already in flight follow, within a round trip: it is read
//     4 round trips (at least 1 ms) after its last segment; with no
//     handshake to measure the round trip, after TCP_TIMEOUT_INIT (1 s), the
//     round trip a kernel assumes before it has measured one (RFC 6298 (2.1)).
constexpr Duration kLingerFloor = ms(1);
constexpr Duration kLingerUnmeasured = sec(1);  // TCP_TIMEOUT_INIT
// A connection read after its close is remembered this long: a segment on
// its 4-tuple that explain() would have given it (not a new SYN) is then
// caught (NotStreamable) instead of starting a wrong connection. One read
// after kIdle of silence is remembered for another kIdle: a segment after
// more than twice the longest backoff (a keepalive probe after
// tcp_keepalive_time, 2 hours) would start a connection of its own where
// explain() adds it to the old one.
constexpr Duration kGoneRemembered = sec(1);  // TCP_TIMEOUT_INIT
// A connection whose inference still depends on when the capture ends (a
// syncookie's silence, a request's SYN-ACKs stopping) is looked at again
// this much later.
constexpr Duration kSettleAgain = sec(1);

}  // namespace

StreamExplainer::StreamExplainer(std::string name, std::vector<ServerEndpoint> servers, std::string servers_text,
                                 std::int64_t t0_ns, std::vector<std::string> notes)
    : name_(std::move(name)),
      servers_(std::move(servers)),
      servers_text_(std::move(servers_text)),
      t0_ns_(t0_ns),
      notes_(std::move(notes)) {}

bool StreamExplainer::is_server(const IpAddress& a, std::uint16_t port) const {
  for (const ServerEndpoint& s : servers_) {
    if (s.port == port && s.addr == a) return true;
  }
  return false;
}

void StreamExplainer::segment(std::int64_t ns, const WireSegment& w, const std::string* where,
                              std::uint64_t number) {
  const Time t = at_ns(ns - t0_ns_);
  bool from_client = true;
  if (is_server(w.dst, w.dst_port)) {
    from_client = true;
  } else if (is_server(w.src, w.src_port)) {
    from_client = false;
  } else {
    if (skipped_count_++ < kSkippedKept) {
      const std::string src = to_string(w.src), dst = to_string(w.dst);
      const auto endpoint = [](const std::string& a, std::uint16_t p) {
        return a.find(':') != std::string::npos ? fmt::format("[{}]:{}", a, p) : fmt::format("{}:{}", a, p);
      };
      skipped_.push_back(Skipped{where ? *where : fmt::format("packet {}", number),
                                 fmt::format("{} > {}: not to or from the server ({})", endpoint(src, w.src_port),
                                             endpoint(dst, w.dst_port), servers_text_)});
    }
    return;
  }
  now_ = t;
  ++packets_;
  if (server_port_ == 0) server_port_ = from_client ? w.dst_port : w.src_port;
  const ConnectionKey key = from_client ? ConnectionKey{w.src, w.src_port, w.dst, w.dst_port}
                                        : ConnectionKey{w.dst, w.dst_port, w.src, w.src_port};
  const bool syn = from_client && outcome::segment_kind(w.flags, w.length) == outcome::SegmentKind::syn;
  std::uint32_t slot = 0;
  const std::uint32_t* found = by_key_.find(key);
  if (found != nullptr && (!syn || !slots_[*found].has_syn || slots_[*found].isn == w.seq)) {
    slot = *found;
  } else {
    if (found != nullptr) {
      // A new SYN on the 4-tuple: the connection before it gets no more
      // segments (explain() starts a new one too).
      const std::uint32_t before = *found;
      slots_[before].attached = false;
      by_key_.erase(key);
      finish_or_wait(before, t);
    }
    slot = open_connection(key, syn, w);
  }
  Open& c = slots_[slot];
  c.segments.push_back(Held{t, from_client, w});
  c.last = t;
  max_.max_segments_held = std::max(max_.max_segments_held, ++held_);
  note_close(c, c.segments.back());
  expire(t);
}

std::uint32_t StreamExplainer::open_connection(const ConnectionKey& key, bool syn, const WireSegment& w) {
  if (const Gone* g = gone_.find(connection_hash(key))) {
    if (!syn || !g->has_syn || g->isn == w.seq) {
      throw NotStreamable(fmt::format("{}: a segment of c#{} after it was read", name_, g->index));
    }
    gone_.erase(connection_hash(key));
  }
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Open& c = slots_[slot];
  std::vector<Held> segments = std::move(c.segments);
  segments.clear();
  c = Open{};
  c.segments = std::move(segments);
  c.key = key;
  c.index = next_index_++;
  c.has_syn = syn;
  c.isn = syn ? w.seq : 0;
  c.client_text = to_string(key.client);
  c.server_text = to_string(key.server);
  by_key_.set(key, slot);
  max_.max_open_connections = std::max(max_.max_open_connections, ++open_);
  schedule(slot, now_ + kIdle);
  return slot;
}

// Its close, and its round trip (how long its close lingers).
void StreamExplainer::note_close(Open& c, const Held& h) {
  const outcome::SegmentKind kind = outcome::segment_kind(h.w.flags, h.w.length);
  if (h.from_client && kind == outcome::SegmentKind::syn) c.syn_at = h.time;
  if (!h.from_client && kind == outcome::SegmentKind::synack && !c.rtt) c.rtt = h.time - c.syn_at;
  const bool closed_before = c.closed_at.has_value();
  const bool both_fins = c.client_fin && c.server_fin;
  if (h.w.flags & outcome::kFin) (h.from_client ? c.client_fin : c.server_fin) = true;
  if (h.w.flags & outcome::kRst) c.closed_at = h.time;
  if (both_fins && !(h.w.flags & outcome::kFin) && (h.w.flags & outcome::kAck)) c.closed_at = h.time;
  if (!closed_before && c.closed_at) schedule(static_cast<std::uint32_t>(&c - slots_.data()), h.time + linger(c));
}

Duration StreamExplainer::linger(const Open& c) const {
  if (!c.rtt) return kLingerUnmeasured;
  return std::max(kLingerFloor, 4 * *c.rtt);
}

Time StreamExplainer::due_time(const Open& c) const { return c.last + (c.closed_at ? linger(c) : kIdle); }

void StreamExplainer::schedule(std::uint32_t slot, Time at) {
  Open& c = slots_[slot];
  if (c.due) due_.erase({*c.due, slot});
  due_.emplace(at, slot);
  c.due = at;
}

void StreamExplainer::expire(Time now) {
  while (!due_.empty() && due_.begin()->first <= now) {
    const std::uint32_t slot = due_.begin()->second;
    due_.erase(due_.begin());
    slots_[slot].due.reset();
    const Time at = due_time(slots_[slot]);
    if (slots_[slot].attached && at > now) {
      schedule(slot, at);
      continue;
    }
    finish_or_wait(slot, now);
  }
  forget_gone(now);
}

void StreamExplainer::finish_or_wait(std::uint32_t slot, Time now) {
  const std::span<const outcome::Packet* const> ps = packets_of(slots_[slot]);
  if (!settled(ps, now)) {
    schedule(slot, now + kSettleAgain);
    return;
  }
  read_and_free(slot, now, ps);
}

// The connection's segments as the outcome::Packets explain() makes of them.
std::span<const outcome::Packet* const> StreamExplainer::packets_of(const Open& c) {
  const std::size_t n = c.segments.size();
  if (scratch_.size() < n) scratch_.resize(n);
  scratch_ptrs_.clear();
  const std::string name = fmt::format("c#{}", c.index);
  for (std::size_t i = 0; i < n; ++i) {
    const Held& h = c.segments[i];
    outcome::Packet& p = scratch_[i];
    p.time = h.time;
    p.src_addr = h.from_client ? c.client_text : c.server_text;
    p.dst_addr = h.from_client ? c.server_text : c.client_text;
    fill_packet(h.w, p);
    p.connection = name;
    p.from_client = h.from_client;
    scratch_ptrs_.push_back(&p);
  }
  return scratch_ptrs_;
}

// What infer() says no longer depends on when the capture ends: the same at
// `now` as at any later end (each of its silences only grows).
bool StreamExplainer::settled(std::span<const outcome::Packet* const> ps, Time now) const {
  if (ps.empty()) return true;
  const bool loopback = is_loopback(*ps.front());
  const std::vector<Inference> a = infer(ps, loopback, now);
  const std::vector<Inference> b = infer(ps, loopback, kTimeZero + sec(1'000'000'000));
  const auto same = [](const Inference& x, const Inference& y) { return x.packet == y.packet && x.reason == y.reason; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same);
}

void StreamExplainer::read_and_free(std::uint32_t slot, Time end, std::span<const outcome::Packet* const> ps) {
  Open& c = slots_[slot];
  outcome::ConnectionRecord r;
  r.group = "c";
  r.index = c.index;
  r.name = fmt::format("c#{}", c.index);
  r.client_port = c.key.client_port;
  read_connection(ps, c.has_syn, end, r, counters_, nullptr);
  add_latencies(r);
  if (every_) every_(r);
  keep(std::move(r));
  if (c.attached) {
    by_key_.erase(c.key);
    const std::uint64_t fingerprint = connection_hash(c.key);
    gone_.set(fingerprint, Gone{c.isn, c.index, c.has_syn});
    (c.closed_at ? gone_closed_ : gone_silent_).push_back(GoneAt{end, fingerprint, c.index});
    max_.max_remembered = std::max(max_.max_remembered, gone_.size());
  }
  held_ -= c.segments.size();
  c.segments.clear();
  if (c.segments.capacity() > 64) c.segments.shrink_to_fit();  // a long one's memory goes with it
  if (c.due) due_.erase({*c.due, slot});
  c.due.reset();
  c.attached = false;
  --open_;
  free_slots_.push_back(slot);
}

void StreamExplainer::forget_gone(Time now) {
  for (auto [order, kept] : {std::pair{&gone_closed_, kGoneRemembered}, std::pair{&gone_silent_, kIdle}}) {
    while (!order->empty() && order->front().at + kept < now) {
      const Gone* g = gone_.find(order->front().key);
      if (g != nullptr && g->index == order->front().index) gone_.erase(order->front().key);  // not since replaced
      order->pop_front();
    }
  }
}


// The records render_summary() shows: with more than kSummaryRows
// connections, the first kSummaryRows worth a row (a story, slow, or not
// completed) and the first kSummaryRows with a story; with fewer, every
// one. Records arrive out of index order (a connection is read when it
// ends), so each set keeps its lowest indices.
void StreamExplainer::keep(outcome::ConnectionRecord r) {
  const bool story = !r.explanation.empty();
  const bool row = outcome::worth_explaining(r, story);
  const bool first = r.index < outcome::kSummaryRows;
  if (!row && !story && !first) return;
  const std::uint32_t index = r.index;
  kept_.emplace(index, Kept{std::move(r), row, story});
  kept_rows_ += row;
  kept_stories_ += story;
  // The highest index first: usually the one just added.
  const auto drop_last = [&](bool Kept::*flag, std::size_t& count) {
    auto it = kept_.end();
    while (count > outcome::kSummaryRows && it != kept_.begin()) {
      --it;
      if (!(it->second.*flag)) continue;
      it->second.*flag = false;
      --count;
      if (!it->second.row && !it->second.story && it->first >= outcome::kSummaryRows) it = kept_.erase(it);
    }
  };
  drop_last(&Kept::row, kept_rows_);
  drop_last(&Kept::story, kept_stories_);
}

// Every connection's waits (latency.h); one still waiting when the capture
// ends is measured to its end, known only then.
void StreamExplainer::add_latencies(const outcome::ConnectionRecord& r) {
  for (const outcome::Latency which : outcome::kLatencies) {
    const auto start = outcome::latency_start(r, which);
    if (!start) continue;
    outcome::LatencyTally& s = latencies_[static_cast<std::size_t>(which)];
    if (const auto end = outcome::latency_end(r, which)) {
      s.add_finished(to_ns(*end - *start));
    } else if (r.outcome != outcome::ConnectionOutcome::open_at_end && r.closed) {
      s.add_unfinished(to_ns(outcome::unfinished_wait(r, which, kTimeZero)));
    } else {
      waiting_at_end_[static_cast<std::size_t>(which)].push_back(*start);
    }
  }
}

StreamedExplanation StreamExplainer::finish(std::vector<Skipped> read_skipped, std::size_t read_skipped_count) {
  if (packets_ == 0) {
    throw InputError(fmt::format("{}: no segment to or from the server ({})", name_, servers_text_));
  }
  const Time end = now_;
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    if (!slots_[slot].segments.empty()) read_and_free(slot, end, packets_of(slots_[slot]));
  }
  StreamedExplanation out;
  for (const outcome::Latency which : outcome::kLatencies) {
    for (const Time start : waiting_at_end_[static_cast<std::size_t>(which)]) {
      outcome::ConnectionRecord r;  // open at the end: its wait lasted to the end (judge.h, unfinished_wait)
      r.connect_start = start;
      r.first_data_sent = start;
      latencies_[static_cast<std::size_t>(which)].add_unfinished(to_ns(outcome::unfinished_wait(r, which, end)));
    }
    out.latencies[static_cast<std::size_t>(which)] = latencies_[static_cast<std::size_t>(which)].figures(which);
  }
  out.connections = next_index_;
  out.segments = packets_;
  for (auto& [index, k] : kept_) out.kept.connections.push_back(std::move(k.record));
  std::erase_if(counters_, [](const auto& kv) { return kv.second == 0; });
  out.kept.counters = std::move(counters_);
  outcome::RunInfo& info = out.kept.info;
  info.scenario = name_;
  info.source = "capture";
  info.kernel = "unknown (a capture)";
  info.duration = end - kTimeZero;
  info.server_port = server_port_;
  info.captured = true;
  info.settings = notes_;
  out.kept.queues.push_back(outcome::QueueSample{});
  // explain() lists what the reading skipped, then the segments of no
  // connection to the server.
  out.skipped = std::move(read_skipped);
  for (Skipped& s : skipped_) {
    if (out.skipped.size() < kSkippedKept) out.skipped.push_back(std::move(s));
  }
  out.skipped_count = read_skipped_count + skipped_count_;
  out.held = max_;
  return out;
}

}  // namespace synsim::capture
