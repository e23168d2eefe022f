// The simulated applications around the simulated kernel: the server
// (listen, accept, read, respond, close) and the client groups (connect,
// write, read, close), as the scenario scripts them; plus the recorder that
// turns what the stack reports into an outcome::Outcome.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/trace.h"
#include "sim/model/machine.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/arrivals.h"
#include "sim/scenario/scenario.h"
#include "sim/tcp/stack.h"

namespace synsim::model {

class World final : public EventHandler, public tcp::StackObserver, public TaskRunner {
 public:
  World(const scenario::Scenario& sc, std::uint64_t seed, bool record_packets, Duration stall_threshold,
        EventQueue& events, Trace& trace);

  // Schedules the scenario's first actions (listen, first connects).
  void start();
  // Fills in outcomes and explanations once the run is over.
  outcome::Outcome finish(Time end, Duration stall_threshold);

  tcp::Stack& stack() { return *stack_; }
  const outcome::Outcome& partial() const { return out_; }

  // EventHandler: application actions.
  void on_event(std::uint32_t kind, std::uint64_t arg) override;

  // tcp::StackObserver
  void on_wire(Time t, std::uint64_t id, const tcp::Segment& seg) override;
  void on_note(Time t, std::uint64_t id, std::uint32_t conn, const std::string& text, bool detached) override;
  void on_connected(std::uint32_t conn) override;
  void on_client_error(std::uint32_t conn, tcp::SockError e) override;
  void on_data_acked(std::uint32_t conn) override;
  void on_response(std::uint32_t conn, std::uint32_t bytes) override;
  void on_client_fin(std::uint32_t conn) override;
  void on_client_done(std::uint32_t conn) override;
  void on_accept_ready() override;
  void on_child_data(std::uint32_t conn, std::uint32_t bytes) override;
  void on_child_fin(std::uint32_t conn) override;
  void on_child_reset(std::uint32_t conn) override;
  void on_softirq_idle(std::uint32_t cpu) override;

  // TaskRunner: the applications' socket calls, run by the machine's threads.
  Duration cost(const Task& t) const override;
  void execute(const Task& t) override;

  std::uint32_t connection_count() const { return static_cast<std::uint32_t>(conns_.size()); }

 private:
  // Timers of the applications; each hands a task to a thread.
  enum class App : std::uint32_t {
    connect,      // a client's turn to connect()         (arg: conn)
    send,         // a client's time to write its request (arg: conn)
    close,        // a client's time to close             (arg: conn)
    accept,       // the server's accept() may resume     (arg: unused)
    next_arrival, // an open-loop group starts the next connection (arg: group)
  };

  struct ClientApp {
    std::uint32_t group = 0;
    bool closing = false;
    std::uint32_t response_bytes = 0;
    std::vector<std::pair<Time, std::string>> notes;  // this connection's story, for explanations
    bool incident = false;            // something dropped, retransmitted, reset...
  };

  struct GroupState {
    std::uint32_t first_conn = 0;
    std::uint32_t next_index = 0;     // next connection to start (closed loop / rate)
    std::optional<scenario::ArrivalGaps> gaps;  // rate arrivals
  };

  Time now() const { return stack_->now(); }
  void schedule(Time t, App kind, std::uint64_t arg);
  void start_connection(std::uint32_t conn);
  void client_send(std::uint32_t conn);
  void client_close(std::uint32_t conn);
  void want_accept();
  void do_accept();
  bool accept_blocked_until(Time* wake) const;
  void after_exchange(std::uint32_t conn);
  void connection_over(std::uint32_t conn);
  void forget_if_uneventful(std::uint32_t conn);
  void server_read(std::uint32_t conn);
  const scenario::ClientGroup& group_of(std::uint32_t conn) const { return sc_.clients[apps_[conn].group]; }

  const scenario::Scenario& sc_;
  EventQueue& events_;
  Trace& trace_;
  bool record_packets_;
  Duration stall_threshold_;
  std::unique_ptr<tcp::Stack> stack_;
  Costs costs_;
  std::unique_ptr<Machine> machine_;
  outcome::Outcome out_;
  std::vector<outcome::ConnectionRecord>& conns_;
  std::vector<ClientApp> apps_;
  std::vector<GroupState> groups_;

  // Server application state
  bool accept_queued_ = false;     // an accept task is queued or waiting for a pause to end
  std::uint32_t accepts_this_wakeup_ = 0;
};

}  // namespace synsim::model
