#include "sim/capture/derive_parts.h"

#include "sim/capture/story.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture::derive_detail {

bool has(const ConnectionRecord& r, ReasonKind k) {
  return std::any_of(r.explanation.begin(), r.explanation.end(),
                     [&](const outcome::ExplanationStep& s) { return s.reason.kind == k; });
}

const outcome::Reason* first(const ConnectionRecord& r, ReasonKind k) {
  for (const outcome::ExplanationStep& s : r.explanation) {
    if (s.reason.kind == k) return &s.reason;
  }
  return nullptr;
}

Duration round_to(Duration d, Duration unit) { return Duration{(d.count() + unit.count() / 2) / unit.count() * unit.count()}; }
Duration ceil_to(Duration d, Duration unit) { return Duration{(d.count() + unit.count() - 1) / unit.count() * unit.count()}; }

// The listener ignored this connection's request: on loopback nothing but
// the listener drops a segment, so a request sent again without the final
// ACK being reported dropped (its SYN-ACK not yet due again: E1's request
// went through on its second RTO, before the first SYN-ACK retransmission)
// met a full accept queue all the same.
bool request_ignored(const ConnectionRecord& r, const std::vector<const Packet*>& packets) {
  return r.data_retransmits > 0 && !packets.empty() && is_loopback(*packets.front()) &&
         !has(r, ReasonKind::capture_final_ack_dropped) && !has(r, ReasonKind::capture_syncookie);
}

void read_segments(Conn& c) {
  bool synack = false;
  bool pure_ack = false;
  for (const Packet* p : c.packets) {
    const outcome::SegmentKind k = outcome::segment_kind(*p);
    if (!p->from_client) {
      if (k == outcome::SegmentKind::synack) synack = true;
      if (k == outcome::SegmentKind::data) c.response_bytes += p->length;
      if (p->flags & outcome::kFin) c.server_fin = true;
      continue;
    }
    if (p->flags & outcome::kRst) c.client_rst = true;
    if (synack && p->length == 0 && (p->flags & outcome::kAck) && !(p->flags & (outcome::kSyn | outcome::kRst))) {
      pure_ack = true;
    }
    if (p->length > 0 && c.request_bytes == 0) {
      c.request_bytes = p->length;
      c.deferred = synack && !pure_ack;
    }
  }
}

// What one connection's client did, as a group's script.
scenario::ClientGroup script_of(const Conn& c, Time origin, Time capture_end) {
  scenario::ClientGroup g;
  const ConnectionRecord& r = *c.r;
  if (c.request_bytes > 0 && r.first_data_sent) {
    g.defer_final_ack = c.deferred;
    scenario::SendSpec s;
    s.bytes = std::min<std::uint32_t>(c.request_bytes, 1'048'576);
    if (c.deferred || !r.connect_done) {
      s.anchor = scenario::SendSpec::Anchor::absolute;
      s.time = round_to(*r.first_data_sent - origin, us(1));
    } else {
      s.anchor = scenario::SendSpec::Anchor::after_connect;
      s.time = round_to(std::max(Duration{0}, *r.first_data_sent - *r.connect_done), us(1));
    }
    g.send = s;
  }
  g.close_style = c.client_rst ? scenario::CloseStyle::rst : scenario::CloseStyle::fin;
  // A close within 10 ms of the response is the client's answer to it; a
  // close in the capture's last 10 ms is the end of the capture's program.
  if (r.closed && r.response_received && *r.closed - *r.response_received <= ms(10)) {
    g.close.kind = scenario::CloseSpec::Kind::after_response;
  } else if (r.closed && capture_end - *r.closed > ms(10) && r.error.empty()) {
    g.close.kind = scenario::CloseSpec::Kind::at;
    g.close.at = round_to(*r.closed - origin, us(1));
  }
  return g;
}

Flight in_flight(const std::vector<Conn>& conns) {
  std::vector<std::pair<Time, int>> ev;  // closes (-1) sort before starts (+1) at one time
  std::vector<Time> closes;
  for (const Conn& c : conns) {
    ev.emplace_back(*c.r->connect_start, 1);
    if (c.r->closed) {
      ev.emplace_back(*c.r->closed, -1);
      closes.push_back(*c.r->closed);
    }
  }
  std::sort(ev.begin(), ev.end());
  std::sort(closes.begin(), closes.end());
  Flight f;
  int now = 0;
  for (const auto& [t, d] : ev) {
    now += d;
    f.peak = std::max(f.peak, static_cast<std::uint32_t>(std::max(now, 0)));
  }
  for (std::size_t i = f.peak; i < conns.size(); ++i) {
    const Time s = *conns[i].r->connect_start;
    const auto it = std::upper_bound(closes.begin(), closes.end(), s);
    ++f.considered;
    if (it != closes.begin() && s - *std::prev(it) <= kFollowsClose) ++f.after_close;
  }
  return f;
}

}  // namespace synsim::capture::derive_detail
