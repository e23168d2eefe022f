// A scenario as plain data: what `synsim run` and `synsim kernel` execute.
//
// Loaded from YAML by load.h (the only place that knows YAML); executed by
// the model (sim/model) or the real-kernel runner (sim/kernel). Nothing here
// knows how it will be run. The format is documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"

namespace synsim::scenario {

// Where a value came from, for messages that point at the file.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = not from a file (built in code)
  int column = 0;  // 1-based
};

struct SysctlSetting {
  std::string name;       // exact sysctl name: "net.ipv4.tcp_synack_retries"
  std::int64_t value = 0;
  SourceLocation where;
};

struct AcceptPause {
  Duration at{};
  Duration length{};  // YAML key `for`
};

struct AcceptSpec {
  // Nothing is accepted before this time; nullopt = accept from 0.
  std::optional<Duration> start;
  // 0 = "continuous": accept whatever is queued as soon as it is queued.
  Duration per_accept_cost{};
  std::vector<AcceptPause> pauses;
  // Never call accept() at all (E3: "never accept").
  bool never = false;
  // accept() calls per event-loop wakeup; 0 = until EAGAIN (what an epoll
  // loop on a non-blocking listener does). 1 = one accept, then the loop
  // serves the other ready sockets before it looks at the listener again.
  std::uint32_t per_wakeup = 0;
};

enum class ServerClose { after_response, never };

struct OnDataSpec {
  std::uint32_t respond_bytes = 0;  // reply size to each request (0: no reply)
  Duration cost{};                   // CPU time the server thread spends on a request before replying
  ServerClose close = ServerClose::never;
};

// The loader: the program that runs every client group. `threads` event
// loops, each on its own CPU (thread t on CPU t mod cpus, the server's
// threads after them), each keeping its share of a closed-loop group's
// connections in flight (concurrency / threads, the first ones one more)
// and running connection i of any other group when i mod threads is its
// number; as a loader with one epoll loop per thread does.
struct LoaderSpec {
  std::uint32_t threads = 1;
  SourceLocation where;
};

struct ServerSpec {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9100;
  std::int64_t backlog = 128;   // the listen() argument, before the somaxconn clamp
  Duration defer_accept{};      // TCP_DEFER_ACCEPT on the listener (0 = off)
  std::optional<std::int64_t> syncnt;  // TCP_SYNCNT on the listener (overrides tcp_synack_retries)
  AcceptSpec accept;
  OnDataSpec on_data;
  // Event-loop threads serving the listener and its connections (an
  // epoll worker pool sharing one listener).
  std::uint32_t threads = 1;
  SourceLocation where;
};

struct SendSpec {
  enum class Anchor {
    absolute,       // `at`: virtual time since the run's start
    after_connect,  // `after`: relative to connect() completing
  };
  std::uint32_t bytes = 0;
  Anchor anchor = Anchor::after_connect;
  Duration time{};
};

struct CloseSpec {
  enum class Kind { never, after_response, at };
  Kind kind = Kind::never;
  Duration at{};  // for Kind::at
};

enum class CloseStyle { fin, rst };

// How a group's connect() calls are spread in time. Only `spaced` is
// executed by the foundation model; the others are parsed for later work.
struct ArrivalSpec {
  enum class Kind { spaced, concurrency, rate, burst };
  Kind kind = Kind::spaced;
  std::uint32_t concurrency = 0;      // Kind::concurrency
  std::uint64_t rate_per_s = 0;       // Kind::rate
  std::uint32_t burst = 0;            // Kind::burst
  Duration burst_at{};                // Kind::burst
  // Kind::rate: evenly spaced (1/rate apart) or a Poisson process
  // (exponential gaps drawn from the run's seed).
  bool poisson = false;
};

struct ClientGroup {
  std::string name;           // [a-z0-9-]+; connections are NAME#INDEX
  std::uint32_t count = 1;
  Duration start{};           // first connect()
  Duration spacing{};         // between successive connect() calls
  ArrivalSpec arrival;
  bool defer_final_ack = false;  // TCP_DEFER_ACCEPT on the connecting socket
  std::optional<SendSpec> send;  // nullopt: the client never writes
  CloseSpec close;
  CloseStyle close_style = CloseStyle::fin;
  SourceLocation where;
};

// Link rules (wire mode): applied by the model's loopback and by the
// kernel runner's TUN wire.
enum class SegmentKind { syn, synack, final_ack, data, ack, rst, any };

struct LinkRule {
  std::string connection;  // "x#0", or "" for any connection
  SegmentKind segment = SegmentKind::any;
  std::uint32_t nth = 0;   // which occurrence (1-based); 0 = every occurrence
  enum class Action { delay, drop };
  Action action = Action::delay;
  Duration delay{};
  SourceLocation where;
};

struct LinkSpec {
  Duration latency{};  // one-way latency added to every segment
  std::vector<LinkRule> rules;
};

// `expect:` hypotheses.
struct Bound {
  enum class Kind { exact, at_least, at_most };
  Kind kind = Kind::exact;
  std::int64_t value = 0;
};

struct CounterExpectation {
  std::string counter;  // nstat name: "TcpExtListenOverflows"
  Bound bound;
  SourceLocation where;
};

struct TimeExpectation {
  Duration value{};
  Duration tolerance{};  // written `5.1s ±300ms` (or `+-300ms`)
};

struct ConnectionExpectation {
  std::string connection;  // "x#3"
  std::optional<TimeExpectation> data_delivered_at;
  std::optional<TimeExpectation> accepted_at;
  std::optional<std::string> outcome;  // completed | reset | timed_out | refused | open_at_end
  SourceLocation where;
};

struct StallExpectation {
  Duration longer_than{};
  Bound count;
  SourceLocation where;
};

// A quantile of the stall distribution (first data sent -> delivered, over
// the connections whose request was delivered): `p99: {at_most: 1s}`.
struct QuantileExpectation {
  std::uint32_t permille = 500;  // p50 -> 500, p99 -> 990, p99.9 -> 999
  std::string name;              // as written: "p99"
  bool at_most = true;           // false: at_least
  Duration value{};
  SourceLocation where;
};

struct ExpectSpec {
  std::vector<CounterExpectation> counters;
  std::vector<ConnectionExpectation> connections;
  std::optional<StallExpectation> stalls;
  std::vector<QuantileExpectation> stall_quantiles;
};

// The machine the applications run on. The loader's threads (all client
// groups) and the server's `server.threads` threads run on `cpus` CPUs;
// loopback packets are processed in softirq on the CPU of the thread that
// sent them.
//
// Default 1 (small scenarios, where it makes no difference). The reference
// machine has 2 vCPUs and runs the loader and the server on separate ones
// under load (reports/load/cpus.md): the load scenarios say `cpus: 2`.
struct MachineSpec {
  std::uint32_t cpus = 1;
  // `stops: measured`: every CPU stops now and then, as this machine's
  // threads were measured to (sim/model/machine.cc), drawn from the seed,
  // so that seeds spread as kernel runs do. `none` (default): no stops.
  bool stops = false;
  // `placement: measured`: a thread that slept long is woken on its waker's
  // CPU, behind the waker, as this machine's scheduler was measured to do
  // (sim/model/machine.h). `fixed` (default): each thread keeps its CPU.
  bool placement_measured = false;
  // `phases: measured`: each run draws from the seed whether this VM was in
  // one of its slow phases (its loopback cycle 1.30-1.68x its usual in 24 of
  // 157 quiet kernel runs, sim/model/machine.cc), and then every CPU cost is
  // that much higher, so that seeds spread as kernel runs do. `none`
  // (default): every run at the measured speed.
  bool phases = false;
  // `costs:` the CPU time of each socket call and of one loopback packet's
  // softirq work, where this machine differs from the one measured
  // (sim/model/machine.cc measured_costs()); model only. Unset: measured.
  struct Costs {
    std::optional<Duration> connect, send, read, close, accept, serve, softirq_packet;
  } costs;
  SourceLocation where;
};

struct Scenario {
  std::string name;         // [a-z0-9-]+
  std::string description;
  std::string kernel = "linux-6.18";  // model profile
  std::optional<std::int64_t> hz;     // default: the profile's
  std::uint64_t seed = 1;
  Duration duration{};
  std::vector<SysctlSetting> sysctls;  // in file order; later entries win
  MachineSpec machine;
  LoaderSpec loader;
  ServerSpec server;
  std::vector<ClientGroup> clients;
  LinkSpec link;
  ExpectSpec expect;

  std::string source_file;  // path as given ("" when built in code)
  std::string source_text;  // the YAML text, for reports
  // The experiment this is, as `key.path=value` lines of the file with its
  // --set overrides applied, sorted; without name, description, seed and
  // expect (which change what is asked of a run, not the run) and machine
  // (the model's machine; the kernel runner runs on the real one). Saved with
  // every outcome, so a saved kernel run is never compared with another
  // experiment (compare --kernel-outcome).
  std::vector<std::string> settings;
};

}  // namespace synsim::scenario
