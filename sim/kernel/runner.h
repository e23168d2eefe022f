// Play a scenario on the machine's real kernel: real sockets, real timers,
// real packets, in a private network namespace.
//
// The runner executes the same scenario::Scenario the model executes and
// produces the same outcome::Outcome (packets, per-connection records,
// counters under their nstat names), so the two can be rendered by the same
// reports and compared. It interprets the scenario's application semantics
// exactly as sim/model/world.cc does (connect times, sends at/after, closes,
// accept start/pauses/cost, on_data responses); only the kernel is real.
//
// Isolation: everything happens on a thread of its own that first enters a
// private network namespace (unshare(CLONE_NEWNET)), brings its `lo` up and
// writes the scenario's sysctls there. The host's sysctls and sockets are
// never touched, and nothing is left behind: the namespace dies with the
// thread. Scenarios with link rules or latency run in wire mode (wire.h):
// two namespaces joined by a userspace wire over TUN devices. Sysctls that are global to the machine (not per namespace, e.g.
// net.core.netdev_max_backlog) are refused unless the scenario asks for the
// value the host already has.
//
// Time: one monotonic origin t0 (CLOCK_MONOTONIC) for the applications'
// timeline, the per-connection records and the capture timestamps. The run
// stops at t0 + duration (hard deadline; a watchdog bounds the teardown), and
// whatever is still open is reported as open_at_end.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// The machine cannot run the scenario (no network namespaces, no
// permission, descriptor or ephemeral-port limits): exit code 4.
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The scenario asks for something the kernel runner does not do (a
// host-global sysctl, too many connections for a real-time run): exit code 2.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The program that plays the client groups (client_loader.h): the
// Boost.Asio loader, or a plain epoll loop, the kind of loader people run.
enum class LoaderKind { asio, epoll };

struct KernelOptions {
  // Time from first data sent to delivery above which a connection counts as
  // stalled and gets an explanation (the same default as the model: above the
  // machine's ~100 ms scheduling hiccups).
  Duration stall_threshold = outcome::kStallThreshold;
  // How often a client with nothing to read checks whether its request was
  // acknowledged (respond_bytes 0 and close after_response): ioctl(SIOCOUTQ).
  Duration ack_poll_interval = ms(2);
  // Upper bound on the teardown after the deadline before the runner gives up
  // waiting for its threads (they are then detached; the namespace still
  // dies with them).
  Duration teardown_limit = sec(2);
  // Refuse scenarios with more connections than this (a longer real-time
  // run is the model's job). Memory: about 300 bytes of records per
  // connection (~300 MB at the limit, what 30000 connections/s for 33 s
  // needs), plus the capture's at most Capture::kMaxPackets packets.
  std::uint64_t max_connections = 1'000'000;
  // Capture every packet on lo (the timeline, retransmission counts). Off:
  // connection records and counters only, for load runs, where the
  // capture's thread takes CPU the applications need (on 2 vCPUs it
  // changes how many SYNs are dropped: reports/load/capture.md).
  bool capture_packets = true;
  // net.ipv4.ip_local_port_range in the private namespace. 0, 0: the
  // namespace's default (32768-60999), widened to 1024-65535 when the
  // scenario is estimated to hold more ephemeral ports at once than that
  // (ports.h); the outcome says so. Never written on the host.
  int port_range_low = 0;
  int port_range_high = 0;
  // Run on the host's own loopback instead of a private namespace: for
  // machines without network namespaces. Allowed only when every sysctl the
  // scenario sets already has that value on the host (nothing is changed)
  // and there are no link rules; packets of other ports are ignored, and the
  // counters are the host's (other traffic included).
  bool host_loopback = false;
  // Which loader plays the clients (synsim kernel --loader); nullopt:
  // chosen_loader()'s choice.
  std::optional<LoaderKind> loader;
};

// "asio", "epoll" (the values of synsim kernel --loader), and back.
const char* loader_kind_name(LoaderKind k);
std::optional<LoaderKind> loader_kind_named(std::string_view name);
// The loader a run uses: the one asked for, else the plain epoll loader,
// what people load a server with and what the Asio loader measurably is
// not (reports/load/loaders.md: Asio's overhead changes the race at
// backlog 128), unless the scenario needs what only the Asio loader plays
// (plain_loader.h: wire mode, defer_final_ack, close.at).
LoaderKind chosen_loader(const scenario::Scenario& sc, std::optional<LoaderKind> asked);

// Throws EnvironmentError (exit 4) or Unsupported (exit 2). Protocol
// outcomes (ECONNRESET, ETIMEDOUT, ECONNREFUSED, EPIPE) are data in the
// outcome, never exceptions.
// `notes`, when given, receives what the runner changed in the namespace
// beyond the scenario's sysctls (a widened port range), one reason each; the
// same reasons are annotated on the run's first packet.
outcome::Outcome run_kernel(const scenario::Scenario& scenario, const KernelOptions& options = {},
                            std::vector<outcome::Reason>* notes = nullptr);

// Ask a running kernel run to stop now (from a signal handler: only an
// atomic store). The run ends within ~50 ms, its applications are torn
// down, and what was measured so far comes back with info.partial set.
void request_stop() noexcept;
bool stop_requested() noexcept;

// What `synsim kernel --help` says the runner needs and changes.
const char* kernel_requirements_text();

}  // namespace synsim::kernel
