#include "sim/capture/connection_reading.h"

#include <algorithm>
#include <optional>

#include "sim/capture/story.h"
#include "sim/core/seq.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

namespace {

using outcome::Packet;
using outcome::Reason;
using outcome::ReasonKind;

// The record's times and outcome from the connection's packets.
void fill_record(std::span<const Packet* const> ps, const PacketReading& reading, outcome::ConnectionRecord& r) {
  std::optional<std::uint32_t> request_end;
  bool synack_seen = false;
  bool client_closed = false;
  bool server_data = false;
  for (const Packet* pp : ps) {
    const Packet& p = *pp;
    const outcome::SegmentKind kind = outcome::segment_kind(p);
    if (p.from_client) {
      if (kind == outcome::SegmentKind::syn && !r.connect_start) r.connect_start = p.time;
      if ((p.flags & outcome::kAck) && !(p.flags & (outcome::kSyn | outcome::kRst)) && synack_seen && !r.connect_done) {
        r.connect_done = p.time;
      }
      if (p.length > 0 && !r.first_data_sent) {
        r.first_data_sent = p.time;
        request_end = p.seq + p.length;
      }
      if ((p.flags & (outcome::kFin | outcome::kRst)) && !r.closed) {
        r.closed = p.time;
        client_closed = true;
      }
      continue;
    }
    if (kind == outcome::SegmentKind::synack) synack_seen = true;
    if (kind == outcome::SegmentKind::rst && !client_closed && r.error.empty()) {
      r.outcome = synack_seen ? outcome::ConnectionOutcome::reset : outcome::ConnectionOutcome::refused;
      r.error = synack_seen ? "ECONNRESET" : "ECONNREFUSED";
      if (!r.closed) r.closed = p.time;
    }
    if (kind == outcome::SegmentKind::syn || kind == outcome::SegmentKind::synack || kind == outcome::SegmentKind::rst) {
      continue;
    }
    if (request_end && !r.data_delivered && (p.flags & outcome::kAck) && !seq::before(p.ack, *request_end)) {
      r.data_delivered = p.time;
    }
    if (p.length > 0 && !r.response_received) {
      r.response_received = p.time;
      server_data = true;
    }
  }
  r.syn_retransmits = reading.syn_retransmits();
  r.synack_retransmits = reading.synack_retransmits();
  r.data_retransmits = reading.data_retransmits();
  const outcome::Script script{.sends = r.first_data_sent.has_value(), .expects_response = server_data, .closes = true};
  r.outcome = outcome::judged_outcome(r, script);
}

// What an inference adds to the counters, under their nstat names (explain.h).
void count(const Reason& r, outcome::Counters& k) {
  switch (r.kind) {
    case ReasonKind::capture_final_ack_dropped:
      k["TcpExtListenOverflows"] += r.a;
      k["TcpExtListenDrops"] += r.a;
      break;
    case ReasonKind::capture_syn_dropped:
      // With tcp_syncookies=1 (the default) a full SYN queue answers with
      // a cookie, so an unanswered SYN met a full accept queue:
      // tcp_conn_request counts ListenOverflows and ListenDrops.
      k["TcpExtListenOverflows"] += r.a;
      k["TcpExtListenDrops"] += r.a;
      break;
    case ReasonKind::capture_acceptq_ignored:
      k["TcpExtListenOverflows"] += r.a;
      k["TcpExtListenDrops"] += r.a;
      break;
    case ReasonKind::capture_syncookie:
      ++k["TcpExtSyncookiesSent"];
      k["TcpExtListenOverflows"] += r.a;
      k["TcpExtListenDrops"] += r.a;
      break;
    case ReasonKind::capture_abort_on_overflow:
      ++k["TcpExtEmbryonicRsts"];
      ++k["TcpExtListenOverflows"];
      ++k["TcpExtListenDrops"];
      break;
    default: break;
  }
}

// The story the one judge asks for: the steps in time order, the request's
// writing among them, the conclusion last.
void tell_story(std::vector<outcome::ExplanationStep> steps, outcome::ConnectionRecord& r) {
  std::stable_sort(steps.begin(), steps.end(),
                   [](const outcome::ExplanationStep& a, const outcome::ExplanationStep& b) { return a.at < b.at; });
  r.explanation = std::move(steps);
  if (r.first_data_sent) {
    const auto at = std::upper_bound(r.explanation.begin(), r.explanation.end(), *r.first_data_sent,
                                     [](Time t, const outcome::ExplanationStep& s) { return t < s.at; });
    r.explanation.insert(at,
                         outcome::ExplanationStep{*r.first_data_sent, Reason{.kind = ReasonKind::kernel_request_written}});
  }
  if (const std::optional<Reason> e = outcome::conclusion(r)) {
    r.explanation.push_back(outcome::ExplanationStep{std::nullopt, *e});
  }
}

}  // namespace

void read_connection(std::span<const Packet* const> ps, bool has_syn, Time capture_end, outcome::ConnectionRecord& r,
                     outcome::Counters& k, std::vector<PacketNote>* notes) {
  std::vector<outcome::ExplanationStep> steps;
  bool incident = false;
  const auto note = [&](std::size_t i, const Reason& why) {
    steps.push_back(outcome::ExplanationStep{ps[i]->time, why});
    if (outcome::is_incident(why)) incident = true;
    if (notes != nullptr) notes->push_back(PacketNote{i, why});
  };
  PacketReading reading;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    for (const Reason& why : reading.read(*ps[i])) note(i, why);
  }
  const bool loopback = !ps.empty() && is_loopback(*ps.front());
  for (const Inference& f : infer(ps, loopback, capture_end)) {
    note(f.packet, f.reason);
    count(f.reason, k);
  }
  fill_record(ps, reading, r);
  r.syncookie = std::any_of(steps.begin(), steps.end(), [](const outcome::ExplanationStep& s) {
    return s.reason.kind == ReasonKind::capture_syncookie;
  });
  if (has_syn) ++k["TcpActiveOpens"];
  k["TcpExtTCPSynRetrans"] += r.syn_retransmits + r.synack_retransmits;
  k["TcpRetransSegs"] += r.syn_retransmits + r.synack_retransmits + r.data_retransmits;
  for (const Packet* p : ps) {
    if (p->flags & outcome::kRst) ++k["TcpOutRsts"];
  }
  if (outcome::worth_explaining(r, incident)) tell_story(std::move(steps), r);
}

}  // namespace synsim::capture
