#include "sim/tcp/stack.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace synsim::tcp {

Stack::Stack(StackConfig config, std::uint32_t connections, EventQueue& events,
             StackObserver& observer)
    : config_(std::move(config)),
      profile_(config_.profile),
      sys_(config_.sysctls),
      // calc_wheel_index() (granular, v4.8) or the cascading wheel.
      clock_(config_.hz, profile_->rules.timer_wheel == profile::TimerWheel::granular ? TimerWheel::hierarchical
                                                                                     : TimerWheel::classic),
      events_(events),
      observer_(observer),
      isn_rng_(config_.seed, "tcp.isn"),
      port_rng_(config_.seed, "tcp.port"),
      challenge_rng_(config_.seed, "tcp.challenge"),
      slot_of_(connections, kNoSlot),
      // Linux: __inet_hash_connect() starts at a hashed offset into
      // ip_local_port_range and walks even ports for connect() (6.x).
      // Deviation: the offset is drawn once per run from the seed, and ports
      // are then taken in order; the kernel hashes each destination separately.
      ports_(static_cast<std::uint32_t>(sys_.ip_local_port_range_min),
             static_cast<std::uint32_t>(sys_.ip_local_port_range_max), config_.server_port,
             static_cast<std::uint16_t>(sys_.ip_local_port_range_min +
                                        port_rng_.between(0, sys_.ip_local_port_range_max -
                                                                 sys_.ip_local_port_range_min))),
      cpus_(std::max<std::uint32_t>(1, config_.cpus)),
      softirq_packets_(std::max<std::uint32_t>(1, config_.softirq_owners)) {
  listener_.port = config_.server_port;
  if (rules().ts_clock == profile::TsClock::shared_jiffies) ts_clock_offset_ = isn_rng_.next_u32();
}

void Stack::on_event(Event e) {
  const std::uint32_t conn = e.arg;
  in_timer_ = false;
  switch (e.kind) {
    case Ev::deliver:
      deliver(e.arg);
      return;
    case Ev::client_xmit:
      client_xmit_timer(conn);
      return;
    case Ev::client_delack:
      client_delack(conn);
      return;
    case Ev::reqsk_timer:
      reqsk_timer_handler(conn);
      return;
    case Ev::synack_sweep:
      tcp_synack_timer_old();
      return;
  }
}

std::uint32_t Stack::ts_now(std::uint32_t off) const {
  // Linux: tcp_time_stamp_ts(): a millisecond clock plus a per-connection
  // offset (tcp_ns_to_ts + ts_off).
  return static_cast<std::uint32_t>(to_ns(now_) / 1000000) + off;
}

Segment Stack::make_segment(std::uint32_t conn, bool from_client) const {
  Segment s;
  s.conn = conn;
  s.from_client = from_client;
  s.window = profile_->window;
  if (sys_.tcp_timestamps) {
    const Conn& c = this->conn(conn);
    s.has_ts = true;
    if (from_client) {
      s.ts_val = ts_now(c.client.ts_off);
      s.ts_ecr = c.client.ts_recent;
    } else if (c.child.state != ChildState::none) {
      s.ts_val = ts_now(c.child.ts_off);
      s.ts_ecr = c.child.ts_recent;
    } else {
      s.ts_val = ts_now(c.req.ts_off);
      s.ts_ecr = c.req.ts_recent;
    }
  }
  return s;
}

// Linux: __sys_listen_socket() clamps the backlog by net.core.somaxconn;
// __inet_listen_sk() stores it as sk_max_ack_backlog; TCP_DEFER_ACCEPT is
// converted from seconds to retransmissions by secs_to_retrans()
// (net/ipv4/tcp.c do_tcp_setsockopt).
void Stack::listen(std::int64_t backlog, Duration defer_accept, std::int64_t syncnt) {
  listener_.listening = true;
  std::int64_t b = backlog;
  if (static_cast<std::uint64_t>(b) > static_cast<std::uint64_t>(sys_.somaxconn)) b = sys_.somaxconn;
  listener_.max_ack_backlog = b;
  listener_.syncnt = syncnt;
  const std::int64_t secs = to_ns(defer_accept) / 1000000000;
  std::uint8_t retrans = 0;
  if (secs > 0 && rules().defer_accept_retrans == profile::DeferAcceptRetrans::secs_to_retrans) {
    // secs_to_retrans(seconds, TCP_TIMEOUT_INIT/HZ, TCP_RTO_MAX/HZ)
    std::int64_t timeout = to_ns(profile_->timeout_init) / 1000000000;
    const std::int64_t rto_max = sys_.tcp_rto_max_ms / 1000;
    std::int64_t period = timeout;
    retrans = 1;
    while (secs > period && retrans < 255) {
      ++retrans;
      timeout <<= 1;
      if (timeout > rto_max) timeout = rto_max;
      period += timeout;
    }
  } else if (secs > 0) {
    // 2.6.12 do_tcp_setsockopt(TCP_DEFER_ACCEPT): the first n with
    // seconds <= (TCP_TIMEOUT_INIT/HZ) << n, plus one.
    const std::int64_t base = to_ns(profile_->timeout_init) / 1000000000;
    while (retrans < 32 && secs > (base << retrans)) ++retrans;
    ++retrans;
  }
  listener_.defer_accept = retrans;
  switch (rules().syn_queue_full_test) {
    case profile::SynQueueFullTest::table_from_max_syn_backlog:
      // tcp_listen_start(), net/ipv4/tcp.c (2.6.12): the SYN queue's size is
      // the power of two >= tcp_max_syn_backlog, at least 64, whatever the
      // backlog; the hash table has TCP_SYNQ_HSIZE chains.
      listener_.max_qlen_log = 6;
      while ((std::int64_t{1} << listener_.max_qlen_log) < sys_.tcp_max_syn_backlog) ++listener_.max_qlen_log;
      listener_.hash_rnd = isn_rng_.next_u32();
      listener_.syn_table.assign(512, {});  // TCP_SYNQ_HSIZE
      break;
    case profile::SynQueueFullTest::table_from_backlog: {
      // reqsk_queue_alloc(), net/core/request_sock.c (3.10.99): nr_table_entries
      // = roundup_pow_of_two(max(min(backlog, tcp_max_syn_backlog), 8) + 1),
      // max_qlen_log = ilog2 of it; as many hash chains.
      std::int64_t n = std::min<std::int64_t>(b, sys_.tcp_max_syn_backlog);
      n = std::max<std::int64_t>(n, 8) + 1;
      listener_.max_qlen_log = 3;
      while ((std::int64_t{1} << listener_.max_qlen_log) < n) ++listener_.max_qlen_log;
      listener_.hash_rnd = isn_rng_.next_u32();
      listener_.syn_table.assign(std::size_t{1} << listener_.max_qlen_log, {});
      break;
    }
    case profile::SynQueueFullTest::qlen_ge_backlog:
    case profile::SynQueueFullTest::qlen_gt_backlog:
      break;
  }
}

const Conn Stack::kFreshConn{};
const Conn Stack::kReleasedConn = [] {
  Conn c;
  c.client.state = ClientState::done;
  c.child.state = ChildState::closed;
  c.child.accepted = true;
  return c;
}();

Conn& Stack::first_use(std::uint32_t conn) {
  if (slot_of_[conn] == kReleased) {
    throw std::logic_error(fmt::format("connection {}: its state was used after it was released", conn));
  }
  std::uint32_t s;
  if (!free_slots_.empty()) {
    s = free_slots_.back();
    free_slots_.pop_back();
  } else {
    s = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slot_of_[conn] = s;
  return slots_[s];
}

// Bookkeeping of the model's, not a kernel rule (the kernel frees a socket
// when its last reference goes, sk_free(); nothing here is observable).
// Nothing can reach the connection any more: the client socket is gone, no
// segment of it is in flight, no timer of it is armed, and the server side
// is gone or finished (a child that has not been accepted is still on the
// accept queue; one that has sent and received its FIN only waits for
// segments, and none are in flight).
bool Stack::unreferenced(const Conn& k) const {
  if (k.in_flight != 0 || k.client.state != ClientState::done) return false;
  if (events_.pending(k.client.xmit_timer) || events_.pending(k.client.delack_timer)) return false;
  if (k.req.live || events_.pending(k.req.timer)) return false;
  if (k.child.state != ChildState::none && !k.child.accepted) return false;
  if (k.child.state == ChildState::established && !(k.child.fin_sent && k.child.fin_received)) return false;
  return true;
}

void Stack::reap(std::uint32_t n) {
  for (; n > 0 && !retiring_.empty(); --n) {
    const std::uint32_t conn = retiring_.front();
    retiring_.pop_front();
    const std::uint32_t s = slot_of_[conn];
    if (s >= kReleased) continue;
    if (!unreferenced(slots_[s])) {
      retiring_.push_back(conn);
      continue;
    }
    // A fresh Conn, its send queues' storage kept for the slot's next user.
    renew(slots_[s]);
    free_slots_.push_back(s);
    slot_of_[conn] = kReleased;
  }
}

// Linux: inet_csk_accept() -> reqsk_queue_remove(); sk_acceptq_removed()
std::int64_t Stack::accept() {
  if (listener_.accept_queue.empty()) return -1;
  const std::uint32_t conn = listener_.accept_queue.front();
  listener_.accept_queue.pop_front();
  --listener_.ack_backlog;
  sock(conn).child.accepted = true;
  return conn;
}

}  // namespace synsim::tcp
