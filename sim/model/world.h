// The simulated applications around the simulated kernel: the server
// (listen, accept, read, respond, close) and the client groups (connect,
// write, read, close), as the scenario scripts them. What happened to each
// connection is the recorder's (recorder.h): the World tells it when a
// connection reached each step and passes on what the stack reports.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/trace.h"
#include "sim/model/machine.h"
#include "sim/model/recorder.h"
#include "sim/model/translate.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/arrivals.h"
#include "sim/scenario/scenario.h"
#include "sim/tcp/stack.h"

namespace synsim::model {

class World final : public EventHandlerFor<World>, public tcp::StackObserver, public TaskRunner {
 public:
  // Throws Unsupported for a scenario the model cannot execute (translate.h).
  World(const scenario::Scenario& sc, std::uint64_t seed, const Recorder::Options& recording, EventQueue& events,
        Trace& trace);

  // Schedules the scenario's first actions (listen, first connects).
  void start();
  // Fills in outcomes and explanations once the run is over (Recorder::finish).
  outcome::Outcome finish(Time end, Duration stall_threshold);

  tcp::Stack& stack() { return *stack_; }
  // The last reasons, for failure messages (Recorder::last_events).
  std::string last_events() const { return recorder_.last_events(); }
  // An event is over (Recorder::after_event).
  void after_event() { recorder_.after_event(); }

  // Timers of the applications; each hands a task to a thread.
  enum class App : std::uint32_t {
    // Numbered as before connects became loader tasks (the kinds are part
    // of the trace hash).
    send = 1,         // a client's time to write its request (arg: conn)
    close = 2,        // a client's time to close             (arg: conn)
    accept = 3,       // the server's accept() may resume     (arg: unused)
    next_arrival = 4, // an open-loop group starts the next connection (arg: group)
  };
  using Event = TaggedEvent<App, std::uint32_t>;
  // EventHandlerFor: application actions.
  void on_event(Event e);

  // tcp::StackObserver
  void on_wire(Time t, std::uint64_t id, const tcp::Segment& seg) override;
  void on_note(Time t, std::uint64_t id, std::uint32_t conn, const outcome::Reason& why, bool detached) override;
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

 private:
  // Kept for every connection of the scenario: small (Outcome::memory
  // counts it, with the recorder's entry).
  struct ClientApp {
    std::uint32_t response_bytes = 0;
    std::uint8_t thread = 0;          // the loader thread that runs it (loader.threads <= 64)
    bool closing : 1 = false;
    bool delivered : 1 = false;       // the server application read the request
    bool over : 1 = false;            // the application is done with it (closed it, or it failed)
    bool eof : 1 = false;             // the FIN came: read() returns 0, and it closes
    bool read_queued : 1 = false;     // a read handler is queued (one per readable edge)
    bool exchanged : 1 = false;       // the exchange is over (PlainLoop's `exchanged`)
    std::uint8_t error = 0;           // its tcp::SockError, until the loop sees it (Work::failed)
  };

  struct GroupState {
    std::uint32_t next_index = 0;     // next connection to start (closed loop / rate)
    std::optional<scenario::ArrivalGaps> gaps;  // rate arrivals
  };

  Time now() const { return stack_->now(); }
  void schedule(Time t, App kind, std::uint32_t arg);
  void start_connection(std::uint32_t conn, std::uint32_t thread);
  Machine::Executor loader_of(std::uint32_t conn) const { return machine_->loader(apps_[conn].thread); }
  // The loader's handler for a completed connect(): records it and sends
  // (or closes) when the group does so at once.
  void app_connected(std::uint32_t conn);
  static bool sends_at_once(const scenario::ClientGroup& grp);
  void client_send(std::uint32_t conn);
  void client_close(std::uint32_t conn);
  void want_accept();
  void do_accept();
  bool accept_blocked_until(Time* wake) const;
  void want_read(std::uint32_t conn);
  void client_failed(std::uint32_t conn);
  void client_read(std::uint32_t conn);
  void after_exchange(std::uint32_t conn);
  void connection_over(std::uint32_t conn);
  void server_read(std::uint32_t conn);
  const scenario::ClientGroup& group_of(std::uint32_t conn) const { return sc_.clients[roster_.group_of(conn)]; }

  // In construction order: the stack and the recorder hold references to
  // what precedes them.
  const scenario::Scenario& sc_;
  EventQueue& events_;
  Roster roster_;
  Costs costs_;
  std::unique_ptr<tcp::Stack> stack_;
  Recorder recorder_;
  std::unique_ptr<Machine> machine_;
  std::vector<ClientApp> apps_;
  std::uint32_t loader_threads_ = 1;
  std::vector<GroupState> groups_;

  // Server application state
  bool accept_queued_ = false;     // an accept task is queued or waiting for a pause to end
  std::uint32_t accepts_this_wakeup_ = 0;
};

}  // namespace synsim::model
