// The model's recorder: what happened to each connection, turned into an
// outcome::Outcome. The applications (World) tell it when a connection
// reached each step and pass on what the stack reports (segments on the
// wire, reasons); it keeps each connection's record and story, the packets
// and annotations, and at the end judges every connection
// (outcome/judge.h), explains those worth it and counts them.
//
// Why apart from the applications: recording is bookkeeping, not
// behaviour. How much is kept (full or summary detail, packets or not; the
// summary detail counts a connection that went through and forgets it, so
// memory follows the connections alive at once) must not change what
// happens, and the recorder decides nothing the stack or the applications
// see, except that a folded connection's stack state may be recycled
// (tcp::Stack::retire).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/trace.h"
#include "sim/core/zeroed_array.h"
#include "sim/model/translate.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"
#include "sim/tcp/stack.h"

namespace synsim::model {

class Recorder final {
 public:
  struct Options {
    bool record_packets = true;  // packets and annotations (model::RunOptions::record_packets)
    // Each kept connection's sockets as netstat lists them, one sample per
    // change (ConnectionRecord::sockets; model::RunOptions::record_sockets).
    bool record_sockets = true;
    Duration stall_threshold{};
    // Keep records only for connections worth reading and fold the rest
    // into Outcome::summary (model::RunOptions::Detail::summary);
    // `summary_first`, `summary_records`: the first connections of each
    // group always kept, and at most how many records in all.
    bool summary = false;
    std::uint32_t summary_first = 0;
    std::uint32_t summary_records = 0;
  };

  Recorder(const scenario::Scenario& sc, std::uint64_t seed, const Options& options, const Roster& roster,
           tcp::Stack& stack, Trace& trace);

  // The connection's record, for the applications to note when it reached
  // each step (connect_start, accepted, data_delivered...).
  outcome::ConnectionRecord& record(std::uint32_t conn);

  // What the stack reports (tcp::StackObserver), passed on by the World.
  void on_wire(Time t, std::uint64_t id, const tcp::Segment& seg);
  void on_note(Time t, std::uint64_t id, std::uint32_t conn, const outcome::Reason& why, bool detached);
  // The client socket reported `e` (SockError::none: no error, only the
  // time it closed).
  void on_client_error(std::uint32_t conn, tcp::SockError e);
  // The client socket is gone.
  void on_client_done(std::uint32_t conn);
  // An event is over: the sockets it changed are sampled (record_sockets).
  void after_event();

  // The last reasons, one a line, oldest first, for failure messages:
  // "  1.024000 x#1 synack_retransmit a=2 ... (reqsk_timer_handler)" (the
  // reason's data: words belong to sim/report).
  std::string last_events() const;

  // Judges, explains and counts every connection once the run is over.
  // `app_bytes_per_connection`: what the applications keep of each
  // connection, for Outcome::memory.
  outcome::Outcome finish(Duration stall_threshold, std::size_t app_bytes_per_connection);

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  // Kept for every connection of the scenario: small.
  struct Entry {
    std::uint32_t record = kNone;     // summary: slot in records_ while it has one
    std::uint32_t note_head = kNone;  // this connection's story, for explanations (in notes_)
    std::uint32_t note_tail = kNone;
    bool incident = false;            // something dropped, retransmitted, reset...
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

  Time now() const { return stack_.now(); }
  void store_note(std::uint32_t conn, Time t, const outcome::Reason& why);
  void forget_if_uneventful(std::uint32_t conn);
  void settle(std::uint32_t conn);
  void free_notes(std::uint32_t conn);
  void release_record(std::uint32_t conn);
  void copy_stack_figures(std::uint32_t conn, outcome::ConnectionRecord& r) const;
  void sample_sockets(std::uint32_t conn);
  bool add_sample(std::vector<outcome::SocketSample>& series, const outcome::SocketView& v) const;
  void took_port(std::uint32_t conn);
  void set_outcome(std::uint32_t conn, outcome::ConnectionRecord& r) const;
  void explain(std::uint32_t conn, outcome::ConnectionRecord& r, Duration stall_threshold) const;
  void count(const outcome::ConnectionRecord& r, bool explained);
  void keep_or_fold(std::uint32_t conn, outcome::ConnectionRecord& r, Duration stall_threshold);
  outcome::ModelMemory memory(std::size_t app_bytes_per_connection) const;

  Options options_;
  const scenario::Scenario& sc_;
  const Roster& roster_;
  tcp::Stack& stack_;
  Trace& trace_;
  Time run_end_;  // the scenario's duration: where an unfinished wait is measured to
  outcome::Outcome out_;
  std::vector<outcome::ConnectionRecord>& conns_;  // out_.connections
  std::vector<Entry> entries_;                     // by connection

  // Summary detail: records of live and kept connections, by slot.
  std::vector<outcome::ConnectionRecord> records_;
  std::vector<std::uint32_t> free_records_;
  std::vector<std::uint32_t> kept_;  // connections whose record is kept for the outcome
  outcome::ConnectionRecord scratch_;  // writes for a folded connection land here
  outcome::ConnectionSummary summary_figures_;

  // record_sockets: by client port, the last connection that took it, plus
  // one (0: none yet), whose TIME_WAIT socks end when another connection
  // takes it.
  ZeroedArray<std::uint32_t> port_owner_{0};

  std::vector<StoredNote> notes_;
  std::vector<std::uint32_t> free_notes_;
  std::array<LastNote, 32> last_{};
  std::uint64_t last_count_ = 0;
};

}  // namespace synsim::model
