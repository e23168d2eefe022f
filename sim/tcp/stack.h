// The simulated kernel: one host's loopback TCP stack, in virtual time.
//
// Read first: kernel-handshake.md §3-§8 (modern column for linux-6.18).
// The stack is told the time by the event queue and never reads a clock.
// Applications (sim/model) call the socket API below and hear back through
// StackObserver; everything the stack does on the wire is reported segment
// by segment with the reason, so timelines can say *why*.
//
// The stack's code is split by kernel file:
//   loopback.cc  loopback_xmit / process_backlog: FIFO delivery in softirq order
//   listener.cc  tcp_conn_request, tcp_check_req, reqsk_timer_handler, cookies
//   client.cc    tcp_connect, tcp_rcv_synsent_state_process, tcp_retransmit_timer,
//                tcp_send_loss_probe, tcp_rcv_established
//   challenge_ack.cc  tcp_validate_incoming, tcp_send_challenge_ack: a SYN or stray RST
//                on an established client
//   child.cc     the server's established socket: data, responses, FIN
//   metrics.cc   tcp_rtt_estimator, tcp_init_metrics / tcp_update_metrics: the
//                RTT one connection leaves for the next (profile::RttMemory)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/ring_queue.h"
#include "sim/core/rng.h"
#include "sim/core/stable_vector.h"
#include "sim/tcp/counters.h"
#include "sim/tcp/jiffies.h"
#include "sim/outcome/reason.h"
#include "sim/tcp/ports.h"
#include "sim/profile/profile.h"
#include "sim/profile/sysctls.h"
#include "sim/tcp/segment.h"
#include "sim/tcp/sockets.h"

namespace synsim::tcp {

// The kernel profile and the sysctls the model follows are defined in
// sim/profile (the scenario layer validates against the same table).
using profile::Profile;
using profile::RttMemory;
using profile::Rules;
using profile::Sysctls;
// The stack gives its reasons as data (outcome::Reason); sim/report words them.
using outcome::Reason;
using outcome::ReasonKind;
using outcome::SegmentWord;

// A reason without figures.
inline Reason because(ReasonKind k) {
  Reason r;
  r.kind = k;
  return r;
}

// A link rule as the stack applies it (scenario `link.rules`).
struct LinkRule {
  std::int64_t conn = -1;  // -1: any connection
  bool any_class = true;
  SegmentClass klass = SegmentClass::syn;
  std::uint32_t nth = 0;   // 1-based occurrence; 0: every one
  bool drop = false;
  Duration delay{};
  std::uint32_t seen = 0;  // occurrences so far
};

struct StackConfig {
  const Profile* profile = nullptr;
  Sysctls sysctls;
  std::int64_t hz = 0;
  std::uint64_t seed = 1;
  Duration link_latency{};
  std::vector<LinkRule> link_rules;
  std::uint16_t server_port = 9100;
  // The machine: loopback packets are processed in softirq on the CPU of
  // the thread (or timer) that sent them, one after another, each taking
  // `softirq_packet_cost` of that CPU (see loopback.cc).
  std::uint32_t cpus = 1;
  Duration softirq_packet_cost{};
  std::uint32_t timer_cpu = 0;
  std::uint32_t softirq_owners = 1;  // threads charge_softirq_to() may name  // where socket timers fire (the CPU that armed them)
};

// What the stack tells the applications and the recorder.
class StackObserver {
 public:
  // A segment put on the wire (where tcpdump on lo sees it). `id` numbers
  // segments in wire order from 0.
  virtual void on_wire(Time t, std::uint64_t id, const Segment& seg) = 0;
  // The model's reason for something that happened to segment `id`, or
  // because of it; `conn` is the connection it concerns. `detached`: the
  // note is not about segment `id` (a timer made it; `id` is merely the last
  // segment on the wire at that time).
  virtual void on_note(Time t, std::uint64_t id, std::uint32_t conn, const outcome::Reason& why, bool detached) = 0;

  // Client side
  virtual void on_connected(std::uint32_t conn) = 0;          // connect() returns 0
  virtual void on_client_error(std::uint32_t conn, SockError e) = 0;
  virtual void on_data_acked(std::uint32_t conn) = 0;         // all written data acked
  virtual void on_response(std::uint32_t conn, std::uint32_t bytes) = 0;
  virtual void on_client_fin(std::uint32_t conn) = 0;         // read() returns 0
  virtual void on_client_done(std::uint32_t conn) = 0;        // socket fully closed

  // Server side
  virtual void on_accept_ready() = 0;                         // sk_data_ready on the listener
  virtual void on_child_data(std::uint32_t conn, std::uint32_t bytes) = 0;
  virtual void on_child_fin(std::uint32_t conn) = 0;
  virtual void on_child_reset(std::uint32_t conn) = 0;

  // CPU `cpu`'s loopback backlog drained: it leaves softirq and the
  // application thread on it runs again.
  virtual void on_softirq_idle(std::uint32_t cpu) = 0;

 protected:
  ~StackObserver() = default;
};

class Stack final : public EventHandlerFor<Stack> {
 public:
  Stack(StackConfig config, std::uint32_t connections, EventQueue& events, StackObserver& observer);

  // --- socket API (what the applications call) ---------------------------
  // Linux: __sys_listen_socket() + inet_csk_listen_start()
  void listen(std::int64_t backlog, Duration defer_accept, std::int64_t syncnt);
  // Linux: tcp_v4_connect() -> tcp_connect()
  void connect(std::uint32_t conn, bool defer_final_ack);
  // Linux: tcp_sendmsg() -> tcp_push(): one segment (requests are small)
  void send(std::uint32_t conn, std::uint32_t bytes);
  // Linux: tcp_recvmsg(): the application reads all the client socket holds
  // (and the FIN, if it came); only what netstat's Recv-Q shows changes.
  void read(std::uint32_t conn);
  // Linux: tcp_close() (FIN) or SO_LINGER {1,0} close (RST)
  void close_client(std::uint32_t conn, bool rst);
  // Linux: inet_csk_accept(); returns the connection index or -1 if empty
  std::int64_t accept();
  // Linux: tcp_recvmsg() on the child, as read().
  void child_read(std::uint32_t conn);
  void child_send(std::uint32_t conn, std::uint32_t bytes);
  void close_child(std::uint32_t conn);

  // The CPU on which the next segments the caller sends are processed:
  // applications set their thread's CPU before each socket call.
  void set_cpu(std::uint32_t cpu) { cpu_ = cpu < cpus_.size() ? cpu : 0; }
  // The CPU of the current context (application call, delivery or timer).
  std::uint32_t cpu() const { return cpu_; }
  bool softirq_busy(std::uint32_t cpu) const { return cpus_[cpu].in_flight > 0; }
  // Who is charged for the softirq work on `cpu` from now on: the thread
  // whose syscall runs there. Loopback's softirq runs inside the sender's
  // syscall (do_softirq() at local_bh_enable()), and without
  // CONFIG_IRQ_TIME_ACCOUNTING (this VM's kernel) irqtime_account_irq() takes
  // nothing out of the task's time: update_curr() adds it to the running
  // task's sum_exec_runtime, the figure /proc/PID/schedstat shows. `owner` < the owners passed to the constructor's
  // config (StackConfig::softirq_owners).
  void charge_softirq_to(std::uint32_t cpu, std::uint32_t owner) {
    if (cpu < cpus_.size()) cpus_[cpu].owner = owner;
  }
  // Packets processed on a CPU's backlog while `owner` held it.
  std::uint64_t softirq_packets_of(std::uint32_t owner) const {
    return owner < softirq_packets_.size() ? softirq_packets_[owner] : 0;
  }
  // Most request socks the SYN queue can hold (rules.syn_queue_full_test):
  // backlog + 1 (a SYN is queued while qlen <= backlog), backlog (4.4 to the
  // Jan 2025 fix) or 1 << max_qlen_log (2.6, 3.10).
  // Inline: the model checks the SYN queue against it after every event.
  std::int64_t syn_queue_limit() const {
    switch (rules().syn_queue_full_test) {
      case profile::SynQueueFullTest::table_from_max_syn_backlog:
      case profile::SynQueueFullTest::table_from_backlog:
        return std::int64_t{1} << listener_.max_qlen_log;
      case profile::SynQueueFullTest::qlen_ge_backlog:
        return listener_.max_ack_backlog;
      case profile::SynQueueFullTest::qlen_gt_backlog:
        return listener_.max_ack_backlog + 1;
    }
    return listener_.max_ack_backlog + 1;
  }
  const Listener& listener() const { return listener_; }
  // A connection's state as the stack holds it; a connection not started
  // yet reads as a fresh one, a released one as closed on both sides.
  const Conn& conn(std::uint32_t i) const {
    const std::uint32_t s = slot_of_[i];
    if (s == kNoSlot) return kFreshConn;
    if (s == kReleased) return kReleasedConn;
    return slots_[s];
  }
  // The application will not look at this connection again (it has been
  // counted): its state is recycled once nothing in the stack refers to it
  // (no segment in flight, no timer, no request sock, no child that may
  // still be accepted or receive). Until then it is kept; calls on it after
  // that are calls on closed sockets (no-ops).
  void retire(std::uint32_t conn) { retiring_.push_back(conn); }
  // Connection states allocated at once, at most (the slot table's size).
  std::size_t peak_states() const { return slots_.size(); }
  // Bookkeeping for observers, not a kernel rule: with `on`, the stack notes
  // every connection whose state it is about to change (each use of its
  // state for writing), so that a recorder can look at those, and only
  // those, after each event (model::Recorder's socket series). The list
  // may name a connection twice, or one whose state did not change after all.
  void track_changes(bool on) { track_changes_ = on; }
  const std::vector<std::uint32_t>& changed() const { return changed_; }
  void clear_changed() {
    changed_.clear();
    last_changed_ = kNoSlot;
  }
  const Counters& counters() const { return counters_; }
  // What finished connections left for new ones on 127.0.0.1 (metrics.cc).
  const RttMemoryEntry& rtt_memory() const { return rtt_memory_; }
  const JiffyClock& clock() const { return clock_; }
  std::uint16_t client_port(std::uint32_t conn) const { return this->conn(conn).client.port; }
  Time now() const { return now_; }
  void set_now(Time t) { now_ = t; }

  // A segment from outside the stack arrives now (tcp_v4_rcv), as a
  // loopback delivery would: reported on the wire, then processed on the
  // current CPU. What the stack sends in reply goes out through xmit() as
  // usual. The stack-level tests play one connection's peer with it
  // (tests/tcp/stack_harness.h); the model never calls it.
  void receive(Segment seg);

  // The stack's events: deliveries and the kernel's own timers, each kept
  // as the kernel keeps it (numbered: the values are in the trace hash).
  enum class Ev : std::uint32_t {
    deliver = 0,        // a segment reaches the receiver (arg: in-flight slot)
    client_xmit = 1,    // icsk_retransmit_timer: RTO or loss probe (arg: conn)
    client_delack = 2,  // delayed final ACK (arg: conn)
    reqsk_timer = 3,    // rsk_timer (arg: conn)
    synack_sweep = 4,   // 2.5/2.6 era: the listener's SYN-ACK timer (keepalive timer in LISTEN)
  };
  using Event = TaggedEvent<Ev, std::uint32_t>;
  // EventHandlerFor: timers and deliveries.
  void on_event(Event e);

 private:
  // loopback.cc
  void xmit(const Segment& seg, const Reason& why);
  void deliver(std::uint32_t slot);
  void note(std::uint32_t conn, const Reason& why);
  // Notes made by a timer follow the last segment on the wire, and say when.
  void timer_context() {
    current_id_ = wire_id_ ? wire_id_ - 1 : 0;
    in_timer_ = true;
    cpu_ = config_.timer_cpu;
  }

  // listener.cc
  void listener_rcv(Segment& seg);
  void tcp_conn_request(Segment& seg);
  void tcp_check_req(Segment& seg);
  void req_answer_syn(std::uint32_t conn);
  void req_answer_out_of_window(std::uint32_t conn, const Segment& seg);
  void req_complete(std::uint32_t conn, Segment& seg);
  bool syn_recv_sock(std::uint32_t conn, outcome::SegmentWord what, bool cookie);
  void create_child(std::uint32_t conn, std::uint32_t iss, std::uint32_t irs, bool from_cookie);
  void reqsk_timer_handler(std::uint32_t conn);
  void reqsk_queue_drop(std::uint32_t conn);
  Segment make_synack(std::uint32_t conn, std::uint32_t isn, std::uint32_t ack) const;
  void send_synack(std::uint32_t conn, bool retransmit, const Reason& why);
  void send_reset_for(const Segment& seg, const Reason& why);
  bool cookie_check(Segment& seg);
  // tcp_synq_no_recent_overflow()'s window (rules.syncookie_recent_overflow).
  Duration syncookie_recent_window() const {
    return rules().syncookie_recent_overflow == profile::SyncookieRecentOverflow::syncookie_valid ? sec(120)  // TCP_SYNCOOKIE_VALID
                                                                                                    : sec(3);
  }
  void arm_reqsk_timer(std::uint32_t conn);

  // listener_2_5.cc: the 2.5.66 / 2.6.12 passive open
  void tcp_v4_conn_request_old(Segment& seg);
  void tcp_check_req_old(Segment& seg);
  void tcp_synack_timer_old();
  void synq_unlink_old(std::uint32_t conn);
  std::uint32_t synq_hash_old(std::uint32_t conn) const;
  bool cookie_check_old(Segment& seg);

  // client.cc
  void client_rcv(Segment& seg);
  void synsent_rcv(std::uint32_t conn, Segment& seg);
  void established_rcv(std::uint32_t conn, Segment& seg);
  bool established_validate(std::uint32_t conn, Segment& seg);
  void established_ack(std::uint32_t conn, const Segment& seg);
  void client_xmit_timer(std::uint32_t conn);
  void retransmit_timer(std::uint32_t conn);
  void send_loss_probe(std::uint32_t conn);
  void client_delack(std::uint32_t conn);
  void send_client_ack(std::uint32_t conn, const Reason& why);
  void send_challenge_ack(std::uint32_t conn);
  bool challenge_ack_budget();
  void send_data(std::uint32_t conn, bool retransmit, const Reason& why);
  void send_syn(std::uint32_t conn, bool retransmit);
  void arm_xmit_timer(std::uint32_t conn, XmitTimer what, std::uint64_t jiffies);
  void client_set_rto(std::uint32_t conn, std::int64_t m, bool saw_tstamp);
  void client_fail(std::uint32_t conn, SockError e, const Reason& why);
  bool allocate_port(std::uint32_t conn);
  // The client socket is gone; its port is reusable after `hold`.
  void client_closed(std::uint32_t conn, Duration hold);
  bool write_timeout(std::uint32_t conn);
  std::optional<std::uint64_t> loss_probe_timeout(const ClientSock& s) const;
  // tcp_conn_request() / tcp_v4_conn_request(): whether a SYN that finds
  // the accept queue full is dropped (rules.syn_drop_on_full_accept_queue:
  // always since 5ea8ea2cb7f1, v4.10; before, only with more than one
  // young request in the SYN queue).
  bool acceptq_full_drops_syn() const {
    if (listener_.ack_backlog <= listener_.max_ack_backlog) return false;
    return rules().syn_drop_on_full_accept_queue == profile::SynDropOnFullAcceptQueue::always || listener_.young > 1;
  }
  // tcp_syn_linear_timeouts where the profile has the sysctl, else 0.
  std::int64_t syn_linear_timeouts() const {
    return rules().syn_linear_timeouts == profile::SynLinearTimeouts::sysctl ? sys_.tcp_syn_linear_timeouts : 0;
  }

  // child.cc
  void child_established(std::uint32_t conn, const Segment& seg, bool from_cookie);
  void child_ack(std::uint32_t conn, const Segment& seg);
  void child_rcv(std::uint32_t conn, Segment& seg);
  void child_data_ready(std::uint32_t conn);

  // metrics.cc
  void rtt_estimator(RttEstimator& e, std::int64_t m, std::uint32_t snd_una, std::uint32_t snd_nxt) const;
  std::int64_t rto_min_units() const;
  std::uint64_t rto_from(const RttEstimator& e) const;
  std::int64_t ack_rtt_sample(const Segment& seg, std::uint32_t ts_off, std::optional<Time> sent) const;
  static std::optional<Time> take_acked(std::vector<SentSegment>& unacked, std::uint32_t ack);
  void tcp_init_metrics(RttEstimator& e, std::uint64_t& rto, bool saw_tstamp, std::uint32_t snd_nxt) const;
  void tcp_update_metrics(const RttEstimator& e, std::uint32_t backoff);
  // tcp_ack() -> tcp_clean_rtx_queue() -> tcp_ack_update_rtt(), for the
  // client and the child alike (ClientSock, ChildSock): an ACK of new data
  // advances snd_una, and a sample (Karn's rule: ack_rtt_sample) sets a new
  // RTO. `none`: the ACK acks nothing new, or what was never sent.
  enum class AckUpdate : std::uint8_t { none, advanced, sampled };
  template <typename Sock>
  AckUpdate ack_update(Sock& s, const Segment& seg);
  // The socket's FIN is acked: tcp_time_wait() (or LAST_ACK -> CLOSE) calls
  // tcp_update_metrics() once with the socket's RTT and icsk_backoff.
  template <typename Sock>
  void save_metrics_once(Sock& s, std::uint32_t backoff);

  // connection state (stack.cc)
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  static constexpr std::uint32_t kReleased = UINT32_MAX - 1;
  static const Conn kFreshConn;
  static const Conn kReleasedConn;
  // The state of `conn`, allocated at its first use. Using a released
  // connection's state is a model bug (std::logic_error).
  Conn& sock(std::uint32_t conn) {
    if (track_changes_ && conn != last_changed_) {
      changed_.push_back(conn);
      last_changed_ = conn;
    }
    const std::uint32_t s = slot_of_[conn];
    return s < kReleased ? slots_[s] : first_use(conn);
  }
  Conn& first_use(std::uint32_t conn);
  SegmentClass classify(const Segment& seg);
  bool released(std::uint32_t conn) const { return slot_of_[conn] == kReleased; }
  bool unreferenced(const Conn& k) const;
  // Looks at up to `n` retired connections, oldest first; recycles the
  // unreferenced ones and looks at the others again later.
  void reap(std::uint32_t n);

  // helpers
  Segment make_segment(std::uint32_t conn, bool from_client) const;
  std::uint32_t ts_now(std::uint32_t off) const;
  std::uint64_t jiffies() const { return clock_.jiffies(now_); }
  // The profile's rule switches: the model reads the one it applies.
  const Rules& rules() const { return profile_->rules; }

  StackConfig config_;
  const Profile* profile_;
  const Sysctls& sys_;
  JiffyClock clock_;
  EventQueue& events_;
  StackObserver& observer_;
  Rng isn_rng_;
  Rng port_rng_;
  Rng challenge_rng_;  // tcp_send_challenge_ack()'s randomized budget (stack.h, below)
  Counters counters_;
  Listener listener_;
  std::vector<std::uint32_t> slot_of_;  // by connection: its slot, kNoSlot or kReleased
  StableVector<Conn, 4> slots_;  // growing it never moves a state a caller holds; 16 (8 KB) a chunk
  std::vector<std::uint32_t> free_slots_;
  RingQueue<std::uint32_t> retiring_;
  bool track_changes_ = false;
  std::vector<std::uint32_t> changed_;  // since clear_changed() (track_changes())
  std::uint32_t last_changed_ = kNoSlot;
  // Ephemeral ports: in use, held after a close, and the connect() walk.
  PortAllocator ports_;
  std::uint32_t ts_clock_offset_ = 0;  // 2.5/2.6: jiffies at the run's start (TSval clock)
  // tcp_send_challenge_ack(): the second (jiffies / HZ) the budget is for,
  // and what is left of it; host-wide (global_limit*) or the netns's
  // (per_netns), the same thing for one netns. Its own random stream: the
  // randomized budget draws nothing from the ISN stream.
  bool challenge_started_ = false;
  std::uint64_t challenge_second_ = 0;
  std::int64_t challenge_count_ = 0;
  // The one entry every connection shares: the route cache entry of
  // 127.0.0.1 -> 127.0.0.1 (2.x: keyed by daddr, saddr, tos, oif; the client
  // and the server child look up the same key) or its tcp_metrics entry
  // (6.x: keyed by saddr, daddr). Deviation: never expires (a 2.x route cache
  // entry in use is never collected, rt_may_expire(); an idle one goes after
  // ip_rt_gc_timeout, 300 s; 2.6.11 also flushes the cache every
  // secret_interval, 10 min; a tcp_metrics entry is re-read from the route
  // after TCP_METRICS_TIMEOUT, 1 h).
  RttMemoryEntry rtt_memory_;
  Time now_{};

  // Loopback: segments in flight, by slot, and each CPU's backlog.
  struct InFlight {
    std::uint64_t id = 0;   // wire id
    std::uint32_t cpu = 0;  // processed on
    bool local = false;     // on the CPU's backlog (not held on a scenario wire)
  };
  struct CpuBacklog {
    std::uint64_t in_flight = 0;  // packets queued (softnet_data.input_pkt_queue)
    Time free_at{};               // when the CPU finishes the last queued packet
    std::uint32_t owner = 0;      // charge_softirq_to()
  };
  std::vector<Segment> flight_;
  std::vector<InFlight> flight_info_;
  std::vector<std::uint32_t> flight_free_;
  std::vector<CpuBacklog> cpus_;
  std::vector<std::uint64_t> softirq_packets_;  // by owner (charge_softirq_to)
  std::uint32_t cpu_ = 0;  // CPU of the current context (application call, delivery or timer)
  std::uint64_t wire_id_ = 0;
  std::uint64_t current_id_ = 0;  // the segment being processed (for notes)
  bool in_timer_ = false;         // notes are made by a timer, not about a received segment
};

}  // namespace synsim::tcp
