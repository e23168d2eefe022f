#include "sim/kernel/apps.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <pthread.h>
#include <thread>

#include "sim/kernel/cpu_trace.h"
#include "sim/kernel/client_loader.h"
#include "sim/kernel/server.h"
#include "sim/kernel/thread_times.h"

namespace synsim::kernel {

namespace {

namespace asio = boost::asio;

// The first exception thrown on any application thread (descriptors,
// ephemeral ports), and a wake-up for the thread waiting on the deadline.
class FirstFailure {
 public:
  void set(std::exception_ptr e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!failure_) failure_ = std::move(e);
    }
    cv_.notify_all();
  }
  // Waits until `until` or a failure; true on failure.
  bool wait_until(std::chrono::steady_clock::time_point until) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, until, [this] { return failure_ != nullptr; });
  }
  std::exception_ptr get() {
    std::lock_guard<std::mutex> lock(mu_);
    return failure_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::exception_ptr failure_;
};

// What the server saw, named: each child belongs to the connection that
// used its client port last before it was accepted.
void merge_server(const scenario::Scenario& sc, ServerResult server, AppsResult& res) {
  const PortIndex index(res.ports);
  for (const ServerChildRecord& ch : server.children) {
    const std::int64_t c = index.conn_at(ch.port, ch.accepted);
    if (c < 0) continue;
    outcome::ConnectionRecord& r = res.records[static_cast<std::size_t>(c)];
    if (r.accepted && *r.accepted <= ch.accepted) continue;  // an earlier child of the same connection
    r.accepted = ch.accepted;
    r.data_delivered = ch.delivered;
  }
  std::map<std::string, scenario::CloseStyle> style;
  for (const scenario::ClientGroup& g : sc.clients) style[g.name] = g.close_style;
  for (ServerNote& n : server.notes) {
    const std::int64_t c = index.conn_at(n.port, n.accepted);
    if (c < 0) continue;
    const outcome::ConnectionRecord& r = res.records[static_cast<std::size_t>(c)];
    // The server's read() failing with ECONNRESET is what a client closing
    // with RST means; only worth a line when the client did not.
    if (style[r.group] == scenario::CloseStyle::rst && n.reason.a == ECONNRESET) continue;
    res.notes.push_back(AppNote{n.time, static_cast<std::uint32_t>(c), std::move(n.reason)});
  }
  std::stable_sort(res.notes.begin(), res.notes.end(),
                   [](const AppNote& a, const AppNote& b) { return a.time < b.time; });
}

}  // namespace

AppsResult run_applications(const scenario::Scenario& sc, const KernelOptions& options,
                            const AppsPlacement& placement, const std::function<void(std::int64_t)>& at_deadline) {
  std::atomic<bool> stopping{false};
  const std::uint32_t server_threads = std::max<std::uint32_t>(1, sc.server.threads);
  asio::io_context server_io(static_cast<int>(server_threads));

  if (placement.enter_server_side) placement.enter_server_side();
  Server server(sc, server_io, stopping);
  server.listen();
  if (placement.enter_client_side) placement.enter_client_side();
  sockaddr_in server_addr{};
  std::memcpy(&server_addr, server.endpoint().data(), sizeof server_addr);
  const std::unique_ptr<ClientLoader> loader = options.loader == LoaderKind::epoll
                                                   ? make_plain_loader(sc, options, placement, server_addr)
                                                   : make_asio_loader(sc, options, placement, server_addr);

  AppsResult res;
  const SteadyTime t0 = std::chrono::steady_clock::now();
  res.t0_mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
  server.start(t0);
  loader->start(t0);

  // The threads are started by this thread, so they live in its namespace.
  FirstFailure failure;
  // Named threads ("synsim-loader", "synsim-server"), so that perf sched,
  // top -H and /proc show which CPU each ran on (reports/load/cpus.md).
  // SYNSIM_CPU_TRACE: each thread notes its CPU after every handler.
  const std::string trace_path = CpuTrace::path_from_environment();
  CpuTrace trace;
  // Each thread adds its own CPU and runqueue time as it ends (thread_times.h).
  std::mutex times_mu;
  auto add_times = [&times_mu](outcome::ThreadTimes& to) {
    if (const std::optional<outcome::ThreadTimes> mine = read_thread_schedstat()) {
      std::lock_guard<std::mutex> lock(times_mu);
      to += *mine;
    }
  };
  auto run_server = [&failure, &trace, &server_io, &add_times, &res, tracing = !trace_path.empty()] {
    const char* name = "synsim-server";
    pthread_setname_np(pthread_self(), name);
    try {
      if (tracing) {
        CpuTrace::Thread& me = trace.add(name);
        while (server_io.run_one() > 0) me.note();
      } else {
        server_io.run();
      }
    } catch (...) {
      failure.set(std::current_exception());
    }
    add_times(res.server_threads);
  };
  auto run_loader = [&failure, &trace, &loader, &add_times, &res, tracing = !trace_path.empty()](std::uint32_t t) {
    const char* name = "synsim-loader";
    pthread_setname_np(pthread_self(), name);
    try {
      loader->run(t, tracing ? &trace.add(name) : nullptr);
    } catch (...) {
      failure.set(std::current_exception());
    }
    add_times(res.loader_threads);
  };
  auto server_work = asio::make_work_guard(server_io);
  std::vector<std::thread> threads;
  for (std::uint32_t t = 0; t < loader->threads(); ++t) threads.emplace_back(run_loader, t);
  for (std::uint32_t i = 0; i < server_threads; ++i) threads.emplace_back(run_server);

  // Until the deadline, a failure, or the user's stop (checked every 50 ms:
  // SIGINT/SIGTERM -> request_stop()).
  const SteadyTime deadline = t0 + std::chrono::nanoseconds(to_ns(sc.duration));
  while (std::chrono::steady_clock::now() < deadline) {
    if (stop_requested()) {
      res.stopped_early = true;
      res.stopped_at_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
      break;
    }
    if (failure.wait_until(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)))) {
      break;
    }
  }
  stopping = true;
  server_io.stop();
  loader->stop();
  for (std::thread& t : threads) t.join();

  if (!trace_path.empty()) trace.write(trace_path, res.t0_mono_ns);
  const std::exception_ptr failed = failure.get();
  if (!failed) at_deadline(res.t0_mono_ns);
  // Every thread has stopped: this one closes everything and lets the
  // aborted handlers run (bounded: each runs once).
  loader->close_all();
  server.close_all();
  server_io.restart();
  try {
    server_io.poll();
  } catch (...) {
    // A second failure while tearing down: the first one is the story.
  }
  server_io.stop();
  if (failed) std::rethrow_exception(failed);

  LoaderResult l = loader->take();
  res.records = std::move(l.records);
  res.ports = std::move(l.ports);
  res.notes = std::move(l.notes);
  merge_server(sc, server.take(), res);
  return res;
}

}  // namespace synsim::kernel
