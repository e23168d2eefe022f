// The scenario's server application on real sockets, on its own
// io_context run by `server.threads` threads (an epoll worker pool sharing
// one listener), apart from the loader's thread, as in the report's setup.
//
// What it does follows sim/model/world.cc (World::try_accept and the
// on_data handling):
//   - accept.pauses stop the world: a handler starting inside a pause
//     sleeps to its end first (safepoint), on every thread, so nothing is
//     accepted, read or answered meanwhile, as Machine::pause;
//   - accepts from accept.start, never during a pause, never with
//     accept: never; each accept() is followed by per_accept_cost of busy
//     CPU on the accepting thread (spun, not slept: the thread is really
//     occupied, which is what lets the accept queue fill);
//   - accept.per_wakeup N: at most N accept() calls per wakeup, then the
//     next look at the listener is posted behind the other ready handlers
//     (0: until EAGAIN, an epoll loop on a non-blocking listener);
//   - reads right after accept and whenever data arrives; on the first
//     request spends on_data.cost of busy CPU, answers with respond_bytes,
//     closes after the response if asked, and closes when it reads EOF.
//
// Threads: the accept loop and its timeline run on one strand (one thread
// at a time, as accept() on one listener serialises anyway); each child
// runs on a strand of its own when there are several threads. The server
// knows connections only by the client's port: what it saw (accepted,
// data delivered, read errors) is returned per child with that port and
// named after the threads have joined (apps.cc), so loader and server
// threads share no mutable state.
//
// Internal to sim/kernel (includes Boost.Asio).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/kernel/timeline.h"
#include "sim/outcome/reason.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// One accepted child, by its client's port.
struct ServerChildRecord {
  std::uint16_t port = 0;
  Time accepted{};
  std::optional<Time> delivered;  // the request became readable to the application
};

// Something the server application saw on a child (its read() failing).
struct ServerNote {
  std::uint16_t port = 0;
  Time accepted{};  // which use of the port
  Time time{};
  outcome::Reason reason;  // kernel_server_read_error
};

struct ServerResult {
  std::vector<ServerChildRecord> children;  // in no particular order
  std::vector<ServerNote> notes;
};

class Server {
 public:
  // `stopping` is set when the run ends: spins return early.
  Server(const scenario::Scenario& sc, boost::asio::io_context& io, const std::atomic<bool>& stopping);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // socket, options, bind, listen in the calling thread's namespace. Throws
  // EnvironmentError / Unsupported.
  void listen();
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }

  // Schedules the first accept; call before the threads run.
  void start(SteadyTime t0);

  // After the threads have joined: closes the listener and every child
  // (RST, so nothing lingers); their aborted handlers run when the caller
  // polls the io_context.
  void close_all();

  // After close_all() and the poll: everything the server saw.
  ServerResult take();

 private:
  struct Child;
  enum Event : std::uint32_t { kAccept = 0 };

  Time now() const { return timeline_->now(); }
  Time accept_blocked_until(Time t) const;
  void try_accept();
  void safepoint();
  void wait_acceptable();
  void on_accepted(int fd, std::uint16_t peer_port);
  void child_read(Child* ch);
  void on_child_read(Child* ch, const boost::system::error_code& ec);
  void respond(Child* ch);
  void child_close(Child* ch);
  void release_if_done(Child* ch);

  const scenario::Scenario& sc_;
  boost::asio::io_context& io_;
  const std::atomic<bool>& stopping_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::optional<Timeline> timeline_;
  std::string response_;
  bool per_child_strand_ = false;

  // Accept strand only.
  Time accept_retry_at_{};
  bool accept_retry_pending_ = false;
  bool accept_waiting_ = false;

  // Live children (for close_all) and finished ones, across threads.
  std::mutex mu_;
  Child* live_ = nullptr;  // intrusive list
  ServerResult result_;
};

}  // namespace synsim::kernel
