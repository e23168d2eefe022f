// The loader process behind one interface: `loader.threads` event loops
// playing the scenario's client groups, whichever program runs them.
//
// Two implementations, chosen by KernelOptions::loader (synsim kernel
// --loader): the Boost.Asio loader (loader.h, the default) and a plain
// epoll loader (plain_loader.h: non-blocking connect(), one epoll_wait
// loop per thread, no Asio), the kind of loader people run to measure a
// server. Both play the same rules (loader.h's header comment) and split
// the work between their threads the same way (loader_shares.h), so a
// difference between them is the program's, not the scenario's.
//
// Life cycle, driven by run_applications (apps.cc): make, start(t0), one
// thread per run(t) until stop(), join, close_all(), take().
//
// This header does not include Boost.Asio.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/kernel/apps.h"
#include "sim/kernel/cpu_trace.h"
#include "sim/kernel/ports.h"
#include "sim/kernel/runner.h"
#include "sim/kernel/steady_time.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

struct LoaderResult {
  std::vector<outcome::ConnectionRecord> records;  // scenario order
  std::vector<PortUse> ports;                      // in connect() order
  std::vector<AppNote> notes;                      // in time order
};

class ClientLoader {
 public:
  virtual ~ClientLoader() = default;

  // Event-loop threads to start, each calling run() with its number.
  virtual std::uint32_t threads() const = 0;
  // Schedules every group's first arrivals; call before the threads run.
  virtual void start(SteadyTime t0) = 0;
  // Loader thread `t`'s loop, until stop(). `trace` (SYNSIM_CPU_TRACE, or
  // null) notes the CPU after every handler. Throws EnvironmentError
  // (descriptors, ephemeral ports).
  virtual void run(std::uint32_t t, CpuTrace::Thread* trace) = 0;
  // From any thread: every loop returns soon.
  virtual void stop() = 0;
  // After every loader thread has joined: closes every open client socket
  // (RST).
  virtual void close_all() = 0;
  // After close_all().
  virtual LoaderResult take() = 0;
};

std::unique_ptr<ClientLoader> make_asio_loader(const scenario::Scenario& sc, const KernelOptions& opt,
                                               const AppsPlacement& place, const sockaddr_in& server);
// Throws Unsupported for what it does not play (plain_loader.h).
std::unique_ptr<ClientLoader> make_plain_loader(const scenario::Scenario& sc, const KernelOptions& opt,
                                                const AppsPlacement& place, const sockaddr_in& server);

}  // namespace synsim::kernel
