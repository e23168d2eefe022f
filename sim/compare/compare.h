// Model and kernel side by side: align two outcomes of the same scenario
// and say where they agree and where they differ.
//
// Packets are aligned per connection by (direction, kind, occurrence): the
// model's 3rd "client data" segment of x#1 is compared with the kernel's
// 3rd. Each pair's time difference is checked against a tolerance that
// follows the kernel's timer wheel at that delay (the granule of the level a
// timer of that length lands in, twice: once for each side's jiffy phase)
// plus a stated allowance for scheduling noise. Counters are compared by
// name, connection records field by field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/outcome.h"

namespace synsim::compare {

struct Options {
  std::int64_t hz = 250;            // the kernel's CONFIG_HZ (timer granularity)
  Duration noise = ms(25);          // scheduling noise allowed on every time
  Duration hiccup = ms(120);        // one ~100 ms VM pause allowed per connection (kernel-measured-rules.md 16)
  std::int64_t counter_slack = 0;   // counters must match within this (absolute)
  // Counters the model keeps; a counter outside this list is shown but not
  // judged (the kernel counts TcpInSegs, TCPDelivered... that the model does
  // not). Empty: judge every counter.
  std::vector<std::string> modelled_counters;
};

// A packet kind as a reader of a timeline names it: the side, then its
// outcome::segment_kind() (a FIN carrying payload is "data").
//   "client SYN", "server SYN-ACK", "client ACK", "client data", "server ACK",
//   "server data", "client FIN", "server FIN", "client RST", "server RST"
std::string packet_kind(const outcome::Packet& p);

struct PacketPair {
  std::string connection;
  std::string kind;
  int occurrence = 0;                    // 1-based within (connection, kind)
  std::optional<std::size_t> model;      // index into the model's packets
  std::optional<std::size_t> kernel;     // index into the kernel's packets
  std::optional<Time> model_time;
  std::optional<Time> kernel_time;
  Duration tolerance{};
  bool agree = false;                    // both present and within tolerance (or not judged)
  // Packets of the closing exchange (after the model's connection received
  // its response) are shown but not judged: which of FIN and ACK goes first
  // is a race between the application's close() and softirq delivery that
  // neither side controls, and connection setup is what synsim models.
  bool judged = true;
};

struct CounterRow {
  std::string name;
  std::int64_t model = 0;
  std::int64_t kernel = 0;
  bool agree = false;
  bool modelled = true;  // false: shown for information, not judged
};

// A connection-record field compared between the two sides.
enum class Field : std::uint8_t {
  present,         // the connection exists on both sides
  connect_done,    // connect() returned
  accepted,        // the server application accepted it
  data_delivered,  // the request reached the server application
  outcome,         // how it ended
};
const char* to_string(Field f);  // "present", "connect_done", ... as in the record
// Outcomes and presence are judged exactly and listed first; times within a tolerance.
bool is_exact(Field f);

struct FieldRow {
  std::string connection;
  Field field = Field::present;
  std::string model;    // rendered value ("0.830120", "completed", "-")
  std::string kernel;
  bool agree = false;
  Duration tolerance{};
};

struct Comparison {
  outcome::RunInfo model_info;
  outcome::RunInfo kernel_info;
  Options options;
  std::vector<PacketPair> packets;       // in the model's wire order, then kernel-only ones
  std::vector<CounterRow> counters;      // union of both sides' names, sorted
  std::vector<FieldRow> fields;          // per connection, in scenario order
  std::vector<std::string> disagreements;  // one line each, most important first
  bool agree() const { return disagreements.empty(); }
};

// The tolerance for a time `delay` after the connection's first packet.
Duration tolerance_for(Duration delay, const Options& options);

Comparison compare(const outcome::Outcome& model, const outcome::Outcome& kernel, const Options& options = {});

// Plain text: the verdict and the disagreements first, then every aligned
// packet pair, the counter table and the per-connection fields.
std::string render_text(const Comparison& c);

}  // namespace synsim::compare
