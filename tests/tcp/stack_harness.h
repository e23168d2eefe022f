// A packetdrill-style harness for one tcp::Stack (style.md 9 and 14).
//
// The script plays the peer of the stack's connections: it feeds the stack
// segment literals at given times and expects the segments the stack sends,
// in order, each at an exact virtual time. Nothing else runs: no scenario,
// no applications, no machine; the stack's timers run on an event queue the
// harness owns, and the script's socket calls (listen, accept, connect,
// send) are made at the times it gives.
//
//   StackScript s(Kernel{.profile = "linux-6.18"});
//   s.listen(0ms, 0);                 //                    listen(fd, 0)
//   s.in(0ms, syn());                 //  0.000 < S 0:0(0)
//   s.out(0ms, syn_ack(0, 1));        //  0.000 > S. 0:0(0) ack 1
//   s.in(1ms, ack(1, 1));             //  0.001 < . 1:1(0) ack 1
//   s.no_output_until(10s);           //  (nothing sent)
//
// Rules, as packetdrill's:
//   - Times are from the script's start (the stack's time 0). A segment
//     the script feeds is processed at once, so replies carry its time;
//     timers fire at the jiffy the profile's timer wheel rounds them to,
//     and a timer due at the time of a step fires before the step.
//   - Sequence numbers are relative, as tcpdump prints them: the script's
//     side of connection c counts from script_isn(c), the stack's side from
//     the first SYN or SYN-ACK the stack sent on it (0 before that).
//   - Every segment the stack sends must be expected by out() before the
//     script's next in(), socket call, no_output_until() or end; an
//     unexpected one fails the test, as do a wrong one and a late one.
//   - The stack is the listener of every connection the script has not
//     connect()ed, and the client of the others.
//
// How: the stack's link has one rule, drop everything, so what it sends is
// seen on the wire (StackObserver::on_wire, where tcpdump on lo sees it) and
// goes nowhere; the script's segments enter through Stack::receive().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/time.h"
#include "sim/tcp/counters.h"
#include "sim/tcp/segment.h"
#include "sim/tcp/sockets.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp::testing {

using Loc = std::source_location;

// A segment literal, in tcpdump's terms. Sequence numbers are relative.
struct Pkt {
  std::uint32_t conn = 0;  // which connection (4-tuple)
  std::uint8_t flags = 0;  // SegFlag bits
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;   // with kAck only
  std::uint32_t len = 0;
  // Compared only when an expectation gives them.
  std::optional<std::uint16_t> mss{};
  // A (D-)SACK block, relative to the script's side; compared always (an
  // expectation without one expects none).
  std::optional<std::pair<std::uint32_t, std::uint32_t>> sack{};
  // in(): whether the segment carries a timestamp (TSval = the script's
  // millisecond clock, TSecr = the stack's last TSval on the connection).
  bool ts = true;

  Pkt on(std::uint32_t c) const {
    Pkt p = *this;
    p.conn = c;
    return p;
  }
  Pkt with_mss(std::uint16_t m) const {
    Pkt p = *this;
    p.mss = m;
    return p;
  }
  Pkt with_sack(std::uint32_t left, std::uint32_t right) const {
    Pkt p = *this;
    p.sack = std::pair{left, right};
    return p;
  }
  Pkt without_ts() const {
    Pkt p = *this;
    p.ts = false;
    return p;
  }
};

inline Pkt make_pkt(std::uint8_t flags, std::uint32_t seq, std::uint32_t a = 0, std::uint32_t len = 0) {
  Pkt p;
  p.flags = flags;
  p.seq = seq;
  p.ack = a;
  p.len = len;
  return p;
}
//   S seq:seq(0)
inline Pkt syn(std::uint32_t seq = 0) { return make_pkt(kSyn, seq); }
//   S. seq:seq(0) ack a
inline Pkt syn_ack(std::uint32_t seq, std::uint32_t a) { return make_pkt(kSyn | kAck, seq, a); }
//   . seq:seq(0) ack a
inline Pkt ack(std::uint32_t seq, std::uint32_t a) { return make_pkt(kAck, seq, a); }
//   P. seq:seq+len(len) ack a
inline Pkt data(std::uint32_t seq, std::uint32_t len, std::uint32_t a) { return make_pkt(kPsh | kAck, seq, a, len); }
//   R seq:seq(0)
inline Pkt rst(std::uint32_t seq) { return make_pkt(kRst, seq); }
//   R. seq:seq(0) ack a
inline Pkt rst_ack(std::uint32_t seq, std::uint32_t a) { return make_pkt(kRst | kAck, seq, a); }

// "[c1] S. 0:0(0) ack 1 <mss 65495>" (the connection only when not 0).
std::string to_string(const Pkt& p);
inline void PrintTo(const Pkt& p, std::ostream* os) { *os << to_string(p); }

// The counters that moved, as `nstat` lists them (non-zero only).
using Nstat = std::map<Mib, std::int64_t>;

// The kernel the stack models, as a fresh network namespace of the profile
// with these sysctls set (kernel names, as `sysctl -w` takes them).
struct Kernel {
  std::string_view profile = "linux-6.18";
  std::vector<std::pair<std::string_view, std::int64_t>> sysctls{};
  std::int64_t hz = 0;  // 0: the profile's CONFIG_HZ
  std::uint32_t connections = 8;
  std::uint64_t seed = 1;
  // A profile of the test's own (one rule switch flipped), used instead of
  // `profile`; it must outlive the script.
  const Profile* custom = nullptr;
};

// A timed segment the stack sent.
struct SentPkt {
  Duration at;
  Pkt pkt;
};

class StackScript final : private StackObserver, public EventHandlerFor<StackScript> {
 public:
  explicit StackScript(const Kernel& kernel, Loc loc = Loc::current());
  ~StackScript();
  StackScript(const StackScript&) = delete;
  StackScript& operator=(const StackScript&) = delete;

  // "<": the peer's segment reaches the stack at t.
  void in(Duration t, const Pkt& p, Loc loc = Loc::current());
  // ">": the next segment the stack sends is p, at t.
  void out(Duration t, const Pkt& p, Loc loc = Loc::current());
  // ">" with a tolerance: the next segment is p, sent in [from, to]; returns
  // when it was sent (for the 2.5.66 SYN-ACK sweep, whose lag depends on the
  // request's hash bucket).
  Duration out_between(Duration from, Duration to, const Pkt& p, Loc loc = Loc::current());
  // The stack sends nothing up to and including t.
  void no_output_until(Duration t, Loc loc = Loc::current());
  // Time passes to t (timers up to t fire); for reading state at t.
  void at(Duration t, Loc loc = Loc::current());
  // Everything the stack sent up to and including t that no out() took,
  // taken now: for tests that compare the timelines of two profiles.
  std::vector<SentPkt> take_until(Duration t, Loc loc = Loc::current());

  // The applications' socket calls, at t.
  void listen(Duration t, std::int64_t backlog, Duration defer_accept = {}, std::int64_t syncnt = 0,
              Loc loc = Loc::current());
  std::int64_t accept(Duration t, Loc loc = Loc::current());
  // `defer_final_ack`: TCP_DEFER_ACCEPT on the connecting socket.
  void connect(Duration t, std::uint32_t conn, bool defer_final_ack = false, Loc loc = Loc::current());
  void send(Duration t, std::uint32_t conn, std::uint32_t bytes, Loc loc = Loc::current());
  // On a connection the stack is the listener of: the server child writes
  // (its response) or closes; on one it connect()ed, the client closes.
  void child_send(Duration t, std::uint32_t conn, std::uint32_t bytes, Loc loc = Loc::current());
  void close(Duration t, std::uint32_t conn, Loc loc = Loc::current());

  const Stack& stack() const { return *stack_; }
  const Listener& listener() const { return stack_->listener(); }
  const Conn& conn(std::uint32_t c) const { return stack_->conn(c); }
  Nstat nstat() const;
  // The ISN the script's side of connection c uses (relative 0).
  static std::uint32_t script_isn(std::uint32_t c) { return 1000000000u + 1000000u * c; }

  // EventHandlerFor: the script's own event, "time t reached".
  enum class Ev : std::uint32_t { reached };
  using Event = TaggedEvent<Ev, std::uint32_t>;
  void on_event(Event e);

 private:
  struct Sent {
    Time at;
    Pkt pkt;
  };

  // StackObserver: only the wire matters to a script.
  void on_wire(Time t, std::uint64_t id, const Segment& seg) override;
  void on_note(Time, std::uint64_t, std::uint32_t, const outcome::Reason&, bool) override {}
  void on_connected(std::uint32_t) override {}
  void on_client_error(std::uint32_t, SockError) override {}
  void on_data_acked(std::uint32_t) override {}
  void on_response(std::uint32_t, std::uint32_t) override {}
  void on_client_fin(std::uint32_t) override {}
  void on_client_done(std::uint32_t) override {}
  void on_accept_ready() override {}
  void on_child_data(std::uint32_t, std::uint32_t) override {}
  void on_child_fin(std::uint32_t) override {}
  void on_child_reset(std::uint32_t) override {}
  void on_softirq_idle(std::uint32_t) override {}

  // Runs the stack's events up to and including t; time then stands at t.
  void run_to(Duration t, const Loc& loc);
  // Fails for every sent segment no out() has taken.
  void expect_none_pending(const Loc& loc);
  Segment to_segment(const Pkt& p) const;

  std::vector<bool> stack_is_client_;
  std::vector<std::optional<std::uint32_t>> stack_isn_;
  std::vector<std::uint32_t> stack_ts_;  // last TSval the stack sent, by connection
  std::vector<Sent> sent_;
  std::size_t taken_ = 0;  // sent_[0, taken_) were expected by out()
  Loc origin_;             // where the script was started
  EventQueue events_;
  std::unique_ptr<Stack> stack_;
  Time now_{};
  bool reached_ = false;
  std::uint64_t events_run_ = 0;
};

}  // namespace synsim::tcp::testing

namespace synsim::tcp {
// gtest prints counters by their nstat names, states by theirs.
inline void PrintTo(Mib m, std::ostream* os) { *os << mib_name(m); }
void PrintTo(ClientState s, std::ostream* os);
void PrintTo(ChildState s, std::ostream* os);
void PrintTo(SockError e, std::ostream* os);
}  // namespace synsim::tcp
