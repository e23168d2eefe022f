// The model's scripted remote peer (play.h): one tcp::Stack, the script's
// segments injected into it, what it sends recorded: the model's side of
// local.h. Internal to sim/packetdrill; walk.h walks the script's lines
// through it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/time.h"
#include "sim/packetdrill/local.h"
#include "sim/packetdrill/script.h"
#include "sim/tcp/stack.h"

namespace synsim::packetdrill::detail {

class Calls;

class Peer final : public Local, private tcp::StackObserver, public EventHandlerFor<Peer> {
 public:
  // `tuples`: the tuples the script names (local.h), each a connection of
  // the stack after the default tuple's (connection 0).
  Peer(tcp::StackConfig config, std::string side, const std::vector<Tuple>& tuples);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  tcp::Stack& stack() { return *stack_; }

  // Local:
  std::string side() const override { return side_; }
  Time now() const override { return now_; }
  bool run_until(Time until, const std::function<bool()>& stop) override { return run_events(until, stop); }
  std::string stuck() const override { return "the model ran more than a million events: it is looping"; }
  bool inject(const PacketEvent& p, Tuple tuple) override;
  std::optional<std::string> refuse_inbound(Tuple tuple) const override;
  CallOutcome start_call(const SyscallEvent& s) override;
  bool call_ready(const PendingCall& p) override;
  CallOutcome complete_call(const SyscallEvent& s) override;

  // Runs the stack's events up to and including `until` (timers due then
  // fire first), stopping early, at the event's time, as soon as
  // `stop()` holds after an event. Returns false when the event limit was hit.
  template <typename Stop>
  bool run_events(Time until, Stop stop);

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
  std::unique_ptr<Calls> calls_;
  std::vector<Tuple> tuples_;  // connection index -> tuple
  std::uint32_t conn_of(Tuple t) const;
  std::string side_;
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
bool Peer::run_events(Time until, Stop stop) {
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
