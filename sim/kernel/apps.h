// The scenario's applications on real sockets: the server (listen, accept,
// read, respond, close) and the client groups (connect, write, read, close),
// driven by the scenario's timeline in real time with Boost.Asio.
//
// They follow sim/model/world.cc rule for rule, so that a difference between
// a model run and a kernel run is the kernel's, not the applications':
//   - clients connect at their group's arrival times (spaced, burst, rate,
//     or closed-loop concurrency); defer_final_ack sets TCP_DEFER_ACCEPT on
//     the connecting socket before connect();
//   - a request is written once connect() has completed and its time has
//     come (`at`: absolute; `after`: relative to connect() completing);
//   - a client closes after the response (or, with respond_bytes 0, once its
//     request is acknowledged: ioctl(SIOCOUTQ) polled every few ms reads 0),
//     at its `close.at` time, or when it reads EOF (unless close: never);
//     close_style rst sets SO_LINGER {1, 0} first;
//   - the server accepts from accept.start, outside pauses, one accept per
//     per_accept_cost (or everything queued when continuous), never when
//     accept: never; it reads right after accept and whenever data arrives,
//     answers with respond_bytes, closes after the response if asked, and
//     closes when it reads EOF.
// Events due at the same time run in the model's order (time, then
// insertion), from one timeline with one timer, on one io_context thread.
// Failures on sockets are recorded as outcomes, never thrown; only the
// environment (descriptors, ephemeral ports) throws EnvironmentError.
//
// This file's .cc is one of the two translation units that include
// Boost.Asio (compile time); this header does not.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/kernel/runner.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// Which connection used a client port from when (ports can be reused by
// later connections of a long run).
struct PortUse {
  std::uint16_t port = 0;
  std::uint32_t conn = 0;
  Time from{};
};

// Something the applications saw that explains an outcome ("ECONNRESET on
// read()"), for annotations and explanations.
struct AppNote {
  Time time{};
  std::uint32_t conn = 0;
  std::string text;
};

struct AppsResult {
  std::int64_t t0_mono_ns = 0;                      // CLOCK_MONOTONIC of the scenario's time 0
  std::vector<outcome::ConnectionRecord> records;   // scenario order
  std::vector<PortUse> ports;                       // in connect() order
  std::vector<AppNote> notes;                       // in time order
  bool stopped_early = false;                       // request_stop() before the deadline
  std::int64_t stopped_at_ns = 0;                   // when, relative to t0
};

// Where the sockets live. Loopback mode: everything in the calling thread's
// namespace (the defaults). Wire mode: the listener in the server's
// namespace, the clients in the client's, each client bound to a fixed port
// (client_port_base + its index) so the wire knows its connection.
struct AppsPlacement {
  std::function<void()> enter_server_side;  // called before the listener is created
  std::function<void()> enter_client_side;  // called before the first client socket
  std::string client_bind_address;         // "" = no bind (connect() picks the port)
  std::uint16_t client_port_base = 0;
};

// Sets up the listener, fixes t0, runs the scenario until t0 + duration,
// calls `at_deadline` (counters, capture stop) while every socket is still
// open, then closes everything. Runs on the calling thread, which must be in
// the private namespace.
AppsResult run_applications(const scenario::Scenario& sc, const KernelOptions& options,
                            const AppsPlacement& placement,
                            const std::function<void(std::int64_t t0_mono_ns)>& at_deadline);

}  // namespace synsim::kernel
