// The loopback device: segments go into a FIFO and are processed in order.
//
// Read first: drivers/net/loopback.c loopback_xmit() -> __netif_rx() puts
// the packet on the sending CPU's backlog and raises NET_RX; process_backlog()
// runs it before the sending syscall returns. A reply generated while a
// packet is processed is appended behind what is already queued, so
// processing is breadth-first: all SYNs of a same-tick burst before their
// ACKs (kernel-measured-rules.md rule 6). The application cannot run while
// the backlog is non-empty: StackObserver::on_softirq_idle() tells it when
// it may.
//
// Model: each CPU has its own backlog (softnet_data is per CPU), and a
// segment is queued on the CPU of whoever sent it: the application thread's
// CPU for a syscall, the same CPU for a reply made while processing a
// segment, the timer's CPU for a retransmission. A segment reaches its
// receiver one `loopback_hop` after it was sent (the profile's: 1.5 us warm
// on this machine's 6.18, profile.cc) or, when its CPU is still working through earlier packets,
// `softirq_packet_cost` after the previous one: the backlog is a FIFO served
// by one CPU. Plus the scenario's link latency and rule delays. Same-time
// deliveries run in send order (the event queue's insertion sequence).

#include "sim/outcome/segment_kind.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

// outcome::segment_kind() reads a Segment's flags as the wire's TcpFlag bits.
static_assert(int{kFin} == int{outcome::kFin} && int{kSyn} == int{outcome::kSyn} &&
              int{kRst} == int{outcome::kRst} && int{kAck} == int{outcome::kAck});

namespace {

// The segment's class for the scenario's link rules: its kind
// (outcome::segment_kind, the one definition), and the client's third
// segment of the handshake as `final_ack`.

}  // namespace

// What the segment is to the link rules and to the listener's reasons, by
// the one classifier (outcome::SegmentClassifier) the kernel runner's wire
// and the capture reader use too; read here, without marking the connection
// changed (sock()), since classifying changes no socket.
SegmentClass Stack::classify(const Segment& seg) {
  const std::uint32_t s = seg.conn < slot_of_.size() ? slot_of_[seg.conn] : kNoSlot;
  if (s < kReleased) return slots_[s].classes.classify(seg.flags, seg.len, seg.seq, seg.ack, seg.from_client);
  outcome::SegmentClassifier fresh;  // a released connection's last segments: no handshake left to tell
  return fresh.classify(seg.flags, seg.len, seg.seq, seg.ack, seg.from_client);
}

void Stack::note(std::uint32_t conn, const Reason& why) {
  observer_.on_note(now_, current_id_, conn, why, in_timer_);
}

// Linux: loopback_xmit(), drivers/net/loopback.c: the segment goes to the
// sending CPU's backlog (__netif_rx -> enqueue_to_backlog, net/core/dev.c).
void Stack::xmit(const Segment& seg, const Reason& why) {
  const std::uint64_t id = wire_id_++;
  observer_.on_wire(now_, id, seg);
  if (!why.empty()) observer_.on_note(now_, id, seg.conn, why, false);

  Duration extra = config_.link_latency;
  const SegmentClass klass = classify(seg);
  for (LinkRule& rule : config_.link_rules) {
    if (rule.conn >= 0 && static_cast<std::uint32_t>(rule.conn) != seg.conn) continue;
    if (!rule.any_class && rule.klass != klass) continue;
    ++rule.seen;
    if (rule.nth != 0 && rule.seen != rule.nth) continue;
    if (rule.drop) {
      observer_.on_note(now_, id, seg.conn, because(ReasonKind::link_dropped), false);
      return;
    }
    extra += rule.delay;
    observer_.on_note(now_, id, seg.conn, Reason{.kind = ReasonKind::link_held, .n = to_ns(rule.delay)}, false);
  }

  // Linux: enqueue_to_backlog() drops a packet when the CPU's backlog
  // already holds net.core.netdev_max_backlog packets (softnet_stat
  // "dropped"); only packets on the local backlog count.
  const bool local = extra == Duration{0};
  CpuBacklog& cpu = cpus_[cpu_];
  if (local && cpu.in_flight >= static_cast<std::uint64_t>(sys_.netdev_max_backlog)) {
    counters_.inc(Mib::SoftnetDropped);
    observer_.on_note(now_, id, seg.conn,
                      Reason{.kind = ReasonKind::backlog_full_dropped, .n = static_cast<std::int64_t>(cpu.in_flight)},
                      false);
    return;
  }
  std::uint32_t slot;
  if (!flight_free_.empty()) {
    slot = flight_free_.back();
    flight_free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(flight_.size());
    flight_.emplace_back();
    flight_info_.emplace_back();
  }
  flight_[slot] = seg;
  // The listener names what it drops by the same class (a final ACK or an ACK).
  flight_[slot].handshake_ack = klass == SegmentClass::final_ack;
  // Only segments on the local backlog keep the CPU in softirq; a segment
  // held on a (scenario) wire does not.
  flight_info_[slot] = InFlight{id, cpu_, local};
  Time at = now_ + profile_->loopback_hop + extra;
  if (local) {
    ++cpu.in_flight;
    if (cpu.owner < softirq_packets_.size()) ++softirq_packets_[cpu.owner];
    at = std::max(at, cpu.free_at + config_.softirq_packet_cost);
    cpu.free_at = at;
  }
  events_.schedule(at, this, Event{Ev::deliver, slot});
  ++sock(seg.conn).in_flight;
}

// Linux: process_backlog(), net/core/dev.c, then tcp_v4_rcv(),
// net/ipv4/tcp_ipv4.c: the segment taken off the backlog in softirq and
// handed to its socket (listener, request, child or client).
void Stack::deliver(std::uint32_t slot) {
  Segment seg = flight_[slot];
  const InFlight info = flight_info_[slot];
  flight_free_.push_back(slot);
  current_id_ = info.id;
  in_timer_ = false;
  // Replies made while processing this segment go on the same CPU's
  // backlog, behind what is already there.
  cpu_ = info.cpu;
  // process_backlog() dequeues the packet before handing it to TCP.
  if (info.local) --cpus_[info.cpu].in_flight;
  --sock(seg.conn).in_flight;
  if (seg.from_client) {
    listener_rcv(seg);
  } else {
    client_rcv(seg);
  }
  if (info.local && cpus_[info.cpu].in_flight == 0) observer_.on_softirq_idle(info.cpu);
}

void Stack::receive(Segment seg) {
  // Classified as it arrives, as xmit() classifies what the stack sends, so
  // the connection's classifier sees both directions.
  seg.handshake_ack = classify(seg) == SegmentClass::final_ack;
  current_id_ = wire_id_++;
  observer_.on_wire(now_, current_id_, seg);
  in_timer_ = false;
  if (seg.from_client) {
    listener_rcv(seg);
  } else {
    client_rcv(seg);
  }
}

}  // namespace synsim::tcp
