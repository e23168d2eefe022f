// The simulated applications around the simulated kernel: the server
// (listen, accept, read, respond, close) and the client groups (connect,
// write, read, close), as the scenario scripts them; plus the recorder that
// turns what the stack reports into an outcome::Outcome.
#pragma once

#include <array>
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
  // `summary`: keep records only for connections worth reading and fold the
  // rest into Outcome::summary (model::RunOptions::Detail::summary);
  // `summary_first`, `summary_records`: the first connections always kept,
  // and at most how many records in all.
  World(const scenario::Scenario& sc, std::uint64_t seed, bool record_packets, Duration stall_threshold,
        EventQueue& events, Trace& trace, bool summary = false, std::uint32_t summary_first = 0,
        std::uint32_t summary_records = 0);

  // Schedules the scenario's first actions (listen, first connects).
  void start();
  // Fills in outcomes and explanations once the run is over.
  outcome::Outcome finish(Time end, Duration stall_threshold);

  tcp::Stack& stack() { return *stack_; }
  // The last reasons, one a line, oldest first, for failure messages:
  // "  1.024000 x#1 synack_retransmit a=2 ... (reqsk_timer_handler)" (the
  // reason's data: words belong to sim/report).
  std::string last_events() const;
  // "GROUP#INDEX"
  std::string name_of(std::uint32_t conn) const;

  // EventHandler: application actions.
  void on_event(std::uint32_t kind, std::uint64_t arg) override;

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
  // Timers of the applications; each hands a task to a thread.
  enum class App : std::uint32_t {
    // Numbered as before connects became loader tasks (the kinds are part
    // of the trace hash).
    send = 1,         // a client's time to write its request (arg: conn)
    close = 2,        // a client's time to close             (arg: conn)
    accept = 3,       // the server's accept() may resume     (arg: unused)
    next_arrival = 4, // an open-loop group starts the next connection (arg: group)
  };

  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  // Kept for every connection of the scenario: small.
  struct ClientApp {
    std::uint32_t group = 0;
    std::uint32_t response_bytes = 0;
    std::uint32_t record = kNone;     // summary: slot in records_ while it has one
    std::uint32_t note_head = kNone;  // this connection's story, for explanations (in notes_)
    std::uint32_t note_tail = kNone;
    bool closing = false;
    bool incident = false;            // something dropped, retransmitted, reset...
    bool delivered = false;           // the server application read the request
    bool folded = false;              // summary: counted in the summary, record gone
  };

  // One reason of a connection's story.
  struct StoredNote {
    Time t{};
    outcome::Reason reason;
    std::uint32_t next = kNone;
  };

  // The last reasons, for failure messages.
  struct LastNote {
    Time t{};
    std::uint32_t conn = 0;
    outcome::Reason reason;
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
  void settle(std::uint32_t conn);
  void free_notes(std::uint32_t conn);
  outcome::ConnectionRecord& record(std::uint32_t conn);
  void release_record(std::uint32_t conn);
  void set_outcome(std::uint32_t conn, outcome::ConnectionRecord& r) const;
  void explain(std::uint32_t conn, outcome::ConnectionRecord& r, Duration stall_threshold) const;
  void count(const outcome::ConnectionRecord& r, bool explained);
  void server_read(std::uint32_t conn);
  const scenario::ClientGroup& group_of(std::uint32_t conn) const { return sc_.clients[apps_[conn].group]; }

  bool summary_ = false;
  std::uint32_t summary_first_ = 0;
  std::uint32_t summary_records_ = 0;
  std::uint32_t total_ = 0;
  const scenario::Scenario& sc_;
  EventQueue& events_;
  Trace& trace_;
  bool record_packets_;
  Duration stall_threshold_;
  Time run_end_;  // the scenario's duration: where an unfinished wait is measured to
  std::unique_ptr<tcp::Stack> stack_;
  Costs costs_;
  std::unique_ptr<Machine> machine_;
  outcome::Outcome out_;
  std::vector<outcome::ConnectionRecord>& conns_;
  std::vector<ClientApp> apps_;
  std::vector<GroupState> groups_;

  // Summary detail: records of live and kept connections, by slot.
  std::vector<outcome::ConnectionRecord> records_;
  std::vector<std::uint32_t> free_records_;
  std::vector<std::uint32_t> kept_;  // connections whose record is kept for the outcome
  outcome::ConnectionRecord scratch_;  // writes for a folded connection land here
  outcome::ConnectionSummary summary_figures_;

  std::vector<StoredNote> notes_;
  std::vector<std::uint32_t> free_notes_;
  std::array<LastNote, 32> last_{};
  std::uint64_t last_count_ = 0;

  // Server application state
  bool accept_queued_ = false;     // an accept task is queued or waiting for a pause to end
  std::uint32_t accepts_this_wakeup_ = 0;
};

}  // namespace synsim::model
