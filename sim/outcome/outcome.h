// What a run produced: packets on the wire, per-connection records, counters.
//
// The model (sim/model) and the real-kernel runner (sim/kernel) both fill an
// Outcome; reports (sim/report) render one or compare two. Everything is
// plain data with virtual (model) or monotonic (kernel) times relative to the
// run's start.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/expectation.h"
#include "sim/outcome/reason.h"
#include "sim/outcome/sockets.h"

namespace synsim::outcome {

// TCP header flags, as on the wire.
enum TcpFlag : std::uint8_t {
  kFin = 0x01,
  kSyn = 0x02,
  kRst = 0x04,
  kPsh = 0x08,
  kAck = 0x10,
};

struct SackBlock {
  std::uint32_t left = 0;   // absolute sequence numbers
  std::uint32_t right = 0;
};

// TCP options as tcpdump prints them, in wire order:
//   SYN:      [mss M,sackOK,TS val V ecr E,nop,wscale W]
//   others:   [nop,nop,TS val V ecr E] or [nop,nop,TS val V ecr E,nop,nop,sack 1 {L:R}]
struct TcpOptions {
  std::uint16_t mss = 0;     // 0: absent
  bool sack_permitted = false;
  bool has_timestamp = false;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
  int wscale = -1;           // -1: absent
  std::vector<SackBlock> sack;
};

// One segment as seen on the wire (loopback: seen once).
struct Packet {
  Time time{};
  std::string src_addr = "127.0.0.1";
  std::uint16_t src_port = 0;
  std::string dst_addr = "127.0.0.1";
  std::uint16_t dst_port = 0;
  std::uint8_t flags = 0;    // TcpFlag bits
  std::uint32_t seq = 0;     // absolute
  std::uint32_t ack = 0;     // absolute; meaningful when flags & kAck
  std::uint16_t window = 0;  // raw header value (before scaling)
  std::uint32_t length = 0;  // payload bytes
  TcpOptions options;
  std::string connection;    // "x#0", "" if unknown
  bool from_client = true;
};

// The model's (or the runner's) reason for what happened to a packet: why it
// was dropped, why it was sent, what it changed. Printed under the packet
// (in words by sim/report/reason_text.h).
struct Annotation {
  std::size_t packet_index = 0;  // index into Outcome::packets it follows
  Reason reason;
  std::string connection;        // the connection it concerns ("" = the packet's)
  // When it happened, if not when the packet was seen (a timer's decision
  // noted under the last packet before it): printed "at T: ...".
  std::optional<Time> at;
  bool operator==(const Annotation&) const = default;
};

// One step of a connection's explanation: a reason, at its time (none for
// the conclusion, and for the lines of an outcome saved in JSON version 1,
// whose words hold theirs).
struct ExplanationStep {
  std::optional<Time> at;
  Reason reason;
  bool operator==(const ExplanationStep&) const = default;
};

enum class ConnectionOutcome {
  completed,    // request delivered (and response/close done as scripted)
  reset,        // ECONNRESET (or EPIPE) on the client
  timed_out,    // ETIMEDOUT on the client (SYN or data retries exhausted)
  refused,      // ECONNREFUSED
  open_at_end,  // still open when the run's duration ended
};
const char* to_string(ConnectionOutcome o);

struct ConnectionRecord {
  std::string name;          // GROUP#INDEX
  std::string group;
  std::uint32_t index = 0;
  std::uint16_t client_port = 0;

  std::optional<Time> connect_start;      // connect() called
  std::optional<Time> connect_done;       // connect() returned success
  std::optional<Time> first_data_sent;    // first transmission of the request
  std::optional<Time> accepted;           // server application's accept() returned it
  std::optional<Time> data_delivered;     // request readable by the server application
  std::optional<Time> response_received;  // first response byte readable by the client
  std::optional<Time> closed;             // connection over on the client side
  ConnectionOutcome outcome = ConnectionOutcome::open_at_end;
  std::string error;                      // "ECONNRESET", "ETIMEDOUT", ... or ""

  std::uint32_t syn_retransmits = 0;
  std::uint32_t synack_retransmits = 0;
  std::uint32_t data_retransmits = 0;     // TLP + RTO retransmissions of the request
  bool syncookie = false;                 // the server answered the SYN with a cookie

  // Time from first data sent to its delivery to the server application.
  std::optional<Duration> stall() const {
    if (first_data_sent && data_delivered) return *data_delivered - *first_data_sent;
    return std::nullopt;
  }

  // The chain of events that explains a stall or a failure, one step a line
  // (empty for a connection that went through without incident).
  std::vector<ExplanationStep> explanation;

  // Its client socket and its server side as netstat lists them, one
  // sample per change (sockets.h); empty when the run did not record them.
  ConnectionSockets sockets;
};

// Latency as users see it: which wait (sim/outcome/judge.h says where each
// starts and ends; sim/outcome/latency.h turns samples into figures).
enum class Latency : std::uint8_t { connect, first_byte, total };
inline constexpr std::array<Latency, 3> kLatencies = {Latency::connect, Latency::first_byte, Latency::total};
const char* to_string(Latency which);  // "connect", "first_byte", "total"

// One latency over a run: every wait that began, in ns, each list ascending
// once sorted (a quantile is one index; 8 bytes a connection).
struct LatencySamples {
  std::vector<std::int64_t> finished;    // the wait's length
  std::vector<std::int64_t> unfinished;  // how long it had lasted, unfinished, when the connection failed or the run ended
  std::uint64_t started() const { return finished.size() + unfinished.size(); }
};

// The three latencies of a run, indexed by Latency.
struct UserLatencies {
  std::array<LatencySamples, 3> of;
  LatencySamples& operator[](Latency which) { return of[static_cast<std::size_t>(which)]; }
  const LatencySamples& operator[](Latency which) const { return of[static_cast<std::size_t>(which)]; }
};

// Counters under their nstat names ("TcpExtListenOverflows", "TcpRetransSegs").
// Sorted by name so every rendering is deterministic.
using Counters = std::map<std::string, std::int64_t>;

// The listener's queues over time, one sample per change: what `ss -lnt`
// shows (Recv-Q = accept queue) plus the SYN queue (request socks).
struct QueueSample {
  Time time{};
  std::int64_t syn_queue = 0;     // request socks (qlen), acked ones included
  std::int64_t accept_queue = 0;  // children waiting for accept() (sk_ack_backlog)
};

// One role's threads (the loader's, or the server's), summed over its
// threads: CPU time (the kernel's softirq work run inside their syscalls
// included), time runnable but waiting for a CPU, and how many times they
// were given one. A kernel run reads them from the scheduler
// (sim/kernel/thread_times.h); the model adds up its tasks' costs and the
// softirq packets each thread's CPU processed while it held it
// (model::Machine::times; no timeslices).
struct ThreadTimes {
  std::uint32_t threads = 0;  // 0: not measured
  Duration cpu{};
  Duration waited{};
  std::uint64_t slices = 0;
  ThreadTimes& operator+=(const ThreadTimes& o) {
    threads += o.threads;
    cpu += o.cpu;
    waited += o.waited;
    slices += o.slices;
    return *this;
  }
};

// How busy a kernel run's machine was with other work (measured by the
// runner, sim/kernel/host_cpu.h). On a 2-vCPU machine another process
// competing for the CPUs changes every load figure (a compiler on one vCPU
// halved the closed loop's rate), so such a run measures the machine, not the
// workload.
struct HostLoad {
  int cpus = 0;              // online CPUs
  Duration interval{};       // the measured interval (the run, set-up to teardown)
  Duration other_cpu{};      // CPU time other processes took in it
  // One loopback connect / accept / RST-close cycle on one thread, timed
  // before the run (sim/kernel/loopback_probe.h); 0: not measured (wire
  // mode, runs saved before 2026-12-06). The VM's own speed, which
  // `other_cpu` cannot see, moved the closed loop's pace by 1.4x between days.
  Duration loopback_cycle{};
  // The same cycle with a 1-byte request and reply, client and server
  // threads on two CPUs: the cross-CPU wakeups a load run pays. 0: not
  // measured (as above, or fewer than 2 CPUs).
  Duration cross_cpu_cycle{};
  // Busy: others took more than a tenth of one CPU on average. This idle
  // 2-vCPU VM measured 0.04 CPU over 5 s (2026-12-06) and 0.00-0.03 during
  // each of 24 load kernel runs (reports/load/space-20261218.md); a
  // compiler takes about one CPU.
  static constexpr std::int64_t kBusyPerMille = 100;
  std::int64_t other_per_mille() const {  // in thousandths of one CPU
    return interval > Duration{0} ? other_cpu.count() * 1000 / interval.count() : 0;
  }
  bool busy() const { return other_per_mille() > kBusyPerMille; }
};

struct RunInfo {
  std::string scenario;      // scenario name
  std::vector<std::string> settings;  // the experiment (scenario::Scenario::settings); empty: unknown
  std::string source;        // "model" or "kernel"
  std::string kernel;        // profile ("linux-6.18") or uname -r for the kernel
  std::int64_t hz = 0;
  std::uint64_t seed = 0;
  Duration duration{};
  std::uint16_t server_port = 0;
  // The listener's address; on loopback, the clients' too.
  std::string server_address = "127.0.0.1";
  std::uint64_t events = 0;         // model: events executed
  std::uint64_t trace_hash = 0;     // model: running hash of the event trace
  // Stopped before its duration (SIGINT/SIGTERM on a kernel run): everything
  // measured until then, connections still open reported as open_at_end.
  bool partial = false;
  Duration stopped_at{};            // when, if partial
  // The outcome holds every packet of the run. False for a kernel run
  // without capture (`synsim kernel --no-capture`, the kernel side of a
  // statistical compare): no packets, no per-connection retransmission
  // counts, no packet notes; the connection records and counters are whole.
  bool captured = true;
  // A kernel run's client program, as `synsim kernel --loader` names it
  // ("asio", "epoll"); empty for the model and for older saved runs.
  std::string loader;
  // A kernel run's machine load; nullopt for the model, and for kernel runs
  // saved before 2026-12-06 or where /proc/stat could not be read.
  std::optional<HostLoad> host;
  // The model with machine.phases: measured: the slow phase this run drew,
  // every CPU cost times this / 1000; 0: the machine's usual speed.
  std::uint32_t slow_phase_per_mille = 0;
  // What the applications' threads took (threads 0: not measured: kernel
  // runs saved before 2026-12-06, wire mode).
  ThreadTimes loader_threads;
  ThreadTimes server_threads;
};

// A summary-detail model run (model::RunOptions::Detail::summary) keeps a
// ConnectionRecord only for the connections worth reading: the first few,
// and those with an incident, a stall or an outcome other than completed
// (up to a limit). Every connection, with or without a record, is counted
// here; the figures are exact.
struct ConnectionSummary {
  std::uint64_t total = 0;       // connections in the scenario
  std::uint64_t folded = 0;      // completed without incident: counted here, no record
  std::uint64_t unrecorded = 0;  // worth a record, but over the limit: counted here only
  std::uint64_t outcomes[5] = {};  // by ConnectionOutcome
  std::uint64_t explained = 0;     // with an incident, a stall or a failure (a record's explanation)
  Duration stall_threshold{};
  std::uint64_t stalled = 0;       // stall above stall_threshold
  // Every request's stall (delivery minus first transmission) in ns, exactly,
  // in ascending order: a quantile is one index, and a million stalls cost
  // 8 bytes each instead of a tree node each.
  std::vector<std::int64_t> stalls;
  // Every connection's latencies as its user saw them (connect's finished
  // waits are every successful connect()'s latency), sorted at the end.
  UserLatencies latencies;
  std::uint32_t max_syn_retransmits = 0;
  std::uint32_t max_synack_retransmits = 0;
  std::uint32_t max_data_retransmits = 0;
  // Their sums over every connection, as compare's statistical verdict adds
  // them up from records in full detail (compare::side_statistics).
  std::uint64_t syn_retransmits = 0;
  std::uint64_t synack_retransmits = 0;
  std::uint64_t data_retransmits = 0;
  // When each request stalled longer than stall_threshold was delivered (ns
  // from the run's start, ascending): the straggler groups compare reads
  // (requests delivered together after waiting on one timer).
  std::vector<std::int64_t> stalled_deliveries;
  std::uint64_t syncookies = 0;
  // connect()s that failed with EADDRNOTAVAIL (counted among `refused`):
  // every port of ip_local_port_range [port_range_min, port_range_max] taken.
  std::uint64_t ports_exhausted = 0;
  std::int64_t port_range_min = 0;
  std::int64_t port_range_max = 0;

  // Nearest rank, as expect's stall quantiles: the smallest stall with at
  // least permille/1000 of them at or below it.
  std::optional<Duration> stall_quantile(std::uint32_t permille) const;
  std::uint64_t stall_count() const;
};

// The model's own memory, from its containers' sizes (not from the OS).
struct ModelMemory {
  std::uint64_t connections = 0;               // in the scenario
  std::uint64_t peak_live_connections = 0;     // most connections with stack state at once
  std::uint64_t bytes_per_live_connection = 0; // stack state, and the record while live (summary detail)
  std::uint64_t bytes_per_connection = 0;      // kept for every connection of the scenario, live or not
  std::uint64_t peak_bytes = 0;                // peak live * per live + connections * per connection
};

struct Outcome {
  RunInfo info;
  std::vector<Packet> packets;          // in wire order
  std::vector<Annotation> annotations;  // ordered by packet_index
  std::vector<ConnectionRecord> connections;  // in scenario order
  Counters counters;                    // deltas over the run; only non-zero ones
  std::vector<QueueSample> queues;      // listener queue depths, on change
  std::int64_t accept_queue_limit = 0;  // backlog + 1 after the somaxconn clamp (0: unknown)
  std::optional<ConnectionSummary> summary;  // summary-detail model runs only
  std::optional<ModelMemory> memory;         // model runs only
  // The scenario's `expect:` judged against this run (expectation.h), in
  // the scenario's order; empty when it states none. None when nobody
  // judged them: `synsim kernel`, a library user's model::run(), an
  // outcome.json written before results were saved.
  std::optional<std::vector<Expectation>> expect;
};

// Nearest rank over `sorted` (ascending, not empty): the smallest value
// with at least permille/1000 of them at or below it, the first at least.
// Every quantile synsim prints or judges is this one.
std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, std::uint32_t permille);
// How many values of `sorted` (ascending) are greater than `bound`.
std::uint64_t count_above(const std::vector<std::int64_t>& sorted, std::int64_t bound);

// Every delivered request's stall, and every successful connect()'s
// latency, in ns, ascending: exact in both details (a summary-detail
// outcome's records are only the interesting few; its summary has them all).
std::vector<std::int64_t> sorted_stalls(const Outcome& out);
std::vector<std::int64_t> sorted_connect_latencies(const Outcome& out);

}  // namespace synsim::outcome
