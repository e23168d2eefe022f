#include "sim/packetdrill/peer.h"

#include "sim/packetdrill/calls.h"

namespace synsim::packetdrill::detail {

Peer::Peer(tcp::StackConfig config, std::string side, const std::vector<Tuple>& tuples)
    : calls_(std::make_unique<Calls>(*this)), side_(std::move(side)) {
  tuples_.push_back(kDefaultTuple);
  for (const Tuple t : tuples) {
    if (t != kDefaultTuple) tuples_.push_back(t);
  }
  // The link is cut: what the stack sends is seen where tcpdump sees it,
  // then dropped; the script answers for the remote peer.
  tcp::LinkRule cut;
  cut.drop = true;
  config.link_rules.push_back(cut);
  tcp::StackObserver& observer = *this;
  stack_ = std::make_unique<tcp::Stack>(std::move(config), static_cast<std::uint32_t>(tuples_.size()), events_,
                                        observer);
}

Peer::~Peer() = default;

void Peer::on_event(Event e) {
  if (e.arg == generation_) reached_ = true;
}

void Peer::on_wire(Time t, std::uint64_t, const tcp::Segment& seg) {
  // The peer's own segments come back on the wire too: only the stack's count.
  if (seg.from_client != stack_is_client_) return;
  record(t, seg, tuples_[seg.conn]);
}

std::uint32_t Peer::conn_of(Tuple t) const {
  for (std::size_t i = 0; i < tuples_.size(); ++i) {
    if (tuples_[i] == t) return static_cast<std::uint32_t>(i);
  }
  return 0;
}

std::optional<std::string> Peer::refuse_inbound(Tuple tuple) const {
  if (calls_->listener_closed() && !stack_is_client_ &&
      stack_->conn(conn_of(tuple)).child.state == tcp::ChildState::none) {
    return "a segment for a closed listener: inet_csk_listen_stop() is not modelled";
  }
  return std::nullopt;
}

CallOutcome Peer::start_call(const SyscallEvent& s) { return calls_->start(s); }
bool Peer::call_ready(const PendingCall& p) { return calls_->ready(p); }
CallOutcome Peer::complete_call(const SyscallEvent& s) { return calls_->complete(s); }

bool Peer::inject(const PacketEvent& p, Tuple tuple) {
  tcp::Segment seg;
  seg.conn = conn_of(tuple);
  seg.from_client = !stack_is_client_;
  seg.flags = p.flags;  // PktFlag and tcp::SegFlag share their bits (static_assert in play.cc)
  seg.seq = kPeerIsn + p.seq;
  seg.ack = (p.flags & kAck) ? local_isn(tuple).value_or(0) + p.ack.value_or(0) : 0;
  seg.len = p.len;
  seg.window = static_cast<std::uint16_t>(p.win.value_or(65535));
  if (p.options) {
    for (const TcpOption& o : *p.options) {
      switch (o.kind) {
        case OptionKind::nop:
        case OptionKind::eol:
          break;
        case OptionKind::mss: seg.mss = static_cast<std::uint16_t>(o.a); break;
        case OptionKind::sack_ok: seg.sack_permitted = true; break;
        case OptionKind::wscale: seg.wscale = static_cast<std::int8_t>(o.a > 14 ? 14 : o.a); break;
        case OptionKind::timestamp:
          // TSecr echoes the stack's last TSval, as packetdrill maps it
          // (the script's ecr is relative to a clock the model does not share):
          // the one of the `>` line with that TS val, else the last (local.h).
          seg.has_ts = true;
          seg.ts_val = o.a;
          seg.ts_ecr = o.b == 0 ? 0 : local_ts(tuple, o.b);
          break;
        case OptionKind::sack:
          // The model carries one block: the first.
          seg.has_sack = true;
          seg.sack_left = local_isn(tuple).value_or(0) + o.blocks.front().first;
          seg.sack_right = local_isn(tuple).value_or(0) + o.blocks.front().second;
          break;
      }
    }
  }
  stack_->receive(seg);
  return true;
}

}  // namespace synsim::packetdrill::detail
