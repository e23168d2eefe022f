// The scenario's applications on real sockets, as the report ran them: the
// server (server.h) on its own io_context and `server.threads` threads, the
// loader (client_loader.h: every client group; Asio or plain epoll) on
// `loader.threads` threads of its own, all on one clock origin t0. They follow sim/model/world.cc
// rule for rule, so that a difference between a model run and a kernel run
// is the kernel's, not the applications'.
//
// The two sides share no mutable state while they run: the server knows a
// child by its client's port, the loader records which connection used which
// port from when, and the two are joined after the threads have stopped
// (PortIndex). Each record field is written by one side only.
//
// The .cc files of the applications are the ones that include Boost.Asio;
// this header does not.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/kernel/ports.h"
#include "sim/kernel/runner.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// Something the applications saw that explains an outcome (ECONNRESET on
// read()), for annotations and explanations.
struct AppNote {
  Time time{};
  std::uint32_t conn = 0;
  outcome::Reason reason;
};

struct AppsResult {
  std::int64_t t0_mono_ns = 0;                      // CLOCK_MONOTONIC of the scenario's time 0
  std::vector<outcome::ConnectionRecord> records;   // scenario order
  std::vector<PortUse> ports;                       // in connect() order
  std::vector<AppNote> notes;                       // in time order
  bool stopped_early = false;                       // request_stop() before the deadline
  std::int64_t stopped_at_ns = 0;                   // when, relative to t0
  outcome::ThreadTimes loader_threads;              // thread_times.h: each thread's own, at its end
  outcome::ThreadTimes server_threads;
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
// stops the applications' threads, calls `at_deadline` (counters, capture
// stop) while every socket is still open, then closes everything. The
// calling thread must be in the private namespace; the threads it starts
// inherit it (wire mode: the client's, after enter_client_side).
AppsResult run_applications(const scenario::Scenario& sc, const KernelOptions& options,
                            const AppsPlacement& placement,
                            const std::function<void(std::int64_t t0_mono_ns)>& at_deadline);

}  // namespace synsim::kernel
