// The model's scripted remote peer (play.h): one tcp::Stack, the script's
// segments injected into it, what it sends recorded. Internal to
// sim/packetdrill; play.cc walks the script's lines through it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/time.h"
#include "sim/packetdrill/script.h"
#include "sim/tcp/stack.h"

namespace synsim::packetdrill::detail {

// A segment the stack sent, in the script's terms (relative numbers).
struct Sent {
  Time at;
  tcp::Segment seg;    // as sent
  std::uint32_t seq;   // relative to the stack's ISN
  std::uint32_t ack;   // relative to the peer's ISN
};

// What the local side's file descriptors are.
enum class FdKind : std::uint8_t { socket, listener, child, client };

struct Fd {
  FdKind kind = FdKind::socket;
  bool nonblocking = false;
  bool linger_zero = false;            // SO_LINGER {1, 0}: close() sends a RST
  Duration defer_accept{};             // TCP_DEFER_ACCEPT (seconds)
  std::int64_t syncnt = 0;             // TCP_SYNCNT
  std::uint32_t read = 0;              // bytes the application has read
};

class Peer final : private tcp::StackObserver, public EventHandlerFor<Peer> {
 public:
  Peer(tcp::StackConfig config);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  // The peer's ISN (relative 0) on the one connection.
  static constexpr std::uint32_t kPeerIsn = 1000000000u;
  static constexpr std::uint32_t kConn = 0;

  tcp::Stack& stack() { return *stack_; }
  Time now() const { return now_; }

  // Runs the stack's events up to and including `until` (timers due then
  // fire first), stopping early, at the event's time, as soon as
  // `stop()` holds after an event. Returns false when the event limit was hit.
  template <typename Stop>
  bool run_until(Time until, Stop stop);
  bool run_to(Time until) {
    return run_until(until, [] { return false; });
  }

  // The script's `<` segment, now.
  void inject(const PacketEvent& p);
  // Segments sent and not yet taken by a `>` line.
  bool has_unexpected() const { return taken_ < sent_.size(); }
  const Sent& next_sent() const { return sent_[taken_]; }
  void take_sent() { ++taken_; }
  std::vector<Sent> untaken() const { return {sent_.begin() + static_cast<std::ptrdiff_t>(taken_), sent_.end()}; }

  // The stack is the client (connect) on the connection, not the listener.
  void set_stack_is_client() { stack_is_client_ = true; }
  bool stack_is_client() const { return stack_is_client_; }
  bool connected() const { return connected_; }
  tcp::SockError client_error() const { return client_error_; }

  enum class Ev : std::uint32_t { reached };
  using Event = TaggedEvent<Ev, std::uint32_t>;
  void on_event(Event e);

 private:
  void on_wire(Time t, std::uint64_t id, const tcp::Segment& seg) override;
  void on_note(Time, std::uint64_t, std::uint32_t, const outcome::Reason&, bool) override {}
  void on_connected(std::uint32_t) override { connected_ = true; }
  void on_client_error(std::uint32_t, tcp::SockError e) override { client_error_ = e; }
  void on_data_acked(std::uint32_t) override {}
  void on_response(std::uint32_t, std::uint32_t) override {}
  void on_client_fin(std::uint32_t) override {}
  void on_client_done(std::uint32_t) override {}
  void on_accept_ready() override {}
  void on_child_data(std::uint32_t, std::uint32_t) override {}
  void on_child_fin(std::uint32_t) override {}
  void on_child_reset(std::uint32_t) override {}
  void on_softirq_idle(std::uint32_t) override {}

  EventQueue events_;
  std::unique_ptr<tcp::Stack> stack_;
  std::vector<Sent> sent_;
  std::size_t taken_ = 0;
  std::optional<std::uint32_t> stack_isn_;
  std::uint32_t stack_ts_ = 0;  // the last TSval the stack sent
  bool stack_is_client_ = false;
  bool connected_ = false;
  tcp::SockError client_error_ = tcp::SockError::none;
  Time now_{};
  std::uint32_t generation_ = 0;
  bool reached_ = false;
  std::uint64_t events_run_ = 0;
};

// Enough for any script: a run that needs more is looping.
inline constexpr std::uint64_t kEventLimit = 1000000;

template <typename Stop>
bool Peer::run_until(Time until, Stop stop) {
  if (until < now_) until = now_;
  // Like tests/tcp/stack_harness.cc run_to(): the peer's own event at
  // `until` runs after every stack event already due then; a pass that ran
  // a stack event is followed by another, for the events it scheduled at
  // `until`.
  for (bool ran = true; ran;) {
    ran = false;
    reached_ = false;
    const std::uint32_t gen = ++generation_;
    const EventId mine = events_.schedule(until, this, Event{Ev::reached, gen});
    while (!reached_) {
      if (++events_run_ > kEventLimit) return false;
      const EventQueue::Fired ev = events_.pop();
      now_ = ev.when;
      stack_->set_now(ev.when);
      ran = ran || ev.handler != this;
      ev.handler->dispatch(ev.payload);
      if (!reached_ && stop()) {
        events_.cancel(mine);
        return true;
      }
    }
  }
  now_ = until;
  stack_->set_now(now_);
  return true;
}

}  // namespace synsim::packetdrill::detail
