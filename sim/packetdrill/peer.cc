#include "sim/packetdrill/peer.h"

namespace synsim::packetdrill::detail {

Peer::Peer(tcp::StackConfig config) {
  // The link is cut: what the stack sends is seen where tcpdump sees it,
  // then dropped; the script answers for the remote peer.
  tcp::LinkRule cut;
  cut.drop = true;
  config.link_rules.push_back(cut);
  tcp::StackObserver& observer = *this;
  stack_ = std::make_unique<tcp::Stack>(std::move(config), 1, events_, observer);
}

Peer::~Peer() = default;

void Peer::on_event(Event e) {
  if (e.arg == generation_) reached_ = true;
}

void Peer::on_wire(Time t, std::uint64_t, const tcp::Segment& seg) {
  // The peer's own segments come back on the wire too: only the stack's count.
  if (seg.from_client != stack_is_client_) return;
  if ((seg.flags & tcp::kSyn) && !stack_isn_) stack_isn_ = seg.seq;
  if (seg.has_ts) stack_ts_ = seg.ts_val;
  Sent s;
  s.at = t;
  s.seg = seg;
  s.seq = seg.seq - stack_isn_.value_or(0);
  s.ack = (seg.flags & tcp::kAck) ? seg.ack - kPeerIsn : 0;
  sent_.push_back(s);
}

void Peer::inject(const PacketEvent& p) {
  tcp::Segment seg;
  seg.conn = kConn;
  seg.from_client = !stack_is_client_;
  seg.flags = p.flags;  // PktFlag and tcp::SegFlag share their bits (static_assert in play.cc)
  seg.seq = kPeerIsn + p.seq;
  seg.ack = (p.flags & kAck) ? stack_isn_.value_or(0) + p.ack.value_or(0) : 0;
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
          // (the script's ecr is relative to a clock the model does not share).
          seg.has_ts = true;
          seg.ts_val = o.a;
          seg.ts_ecr = o.b == 0 ? 0 : stack_ts_;
          break;
        case OptionKind::sack:
          // The model carries one block: the first.
          seg.has_sack = true;
          seg.sack_left = stack_isn_.value_or(0) + o.blocks.front().first;
          seg.sack_right = stack_isn_.value_or(0) + o.blocks.front().second;
          break;
      }
    }
  }
  // The peer's bare ACK right after the SYN-ACK is its handshake ACK (only
  // the link rules look at it).
  seg.handshake_ack = seg.from_client && p.flags == kAck && p.seq == 1 && p.ack == 1u;
  stack_->receive(seg);
}

}  // namespace synsim::packetdrill::detail
