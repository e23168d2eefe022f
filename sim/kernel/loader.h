// The scenario's client groups on real sockets, with Boost.Asio: one
// io_context per loader thread (`loader.threads`, split as loader_shares.h
// says), as the report's loader process was one program apart from the
// server. The default loader (client_loader.h).
//
// It follows sim/model/world.cc rule for rule:
//   - clients connect at their group's arrival times (spaced, burst, rate
//     evenly or Poisson with the model's own gaps from
//     scenario::ArrivalGaps, or closed-loop concurrency); defer_final_ack
//     sets TCP_DEFER_ACCEPT on the connecting socket before connect();
//   - a request is written once connect() has completed and its time has
//     come (`at`: absolute; `after`: relative to connect() completing);
//   - a client closes after the response (on the EOF right behind it when the
//     server closes after responding), or, with respond_bytes 0, once its
//     request is acknowledged: ioctl(SIOCOUTQ) reads 0, checked for all such
//     clients by one poll timer, at its `close.at` time, or when it reads
//     EOF (unless close: never); close_style rst sets SO_LINGER {1, 0} first.
// Events due at the same time run in the model's order (time, then
// insertion), from one timeline per thread.
//
// Memory: per connection a record (outcome::ConnectionRecord, ~300 bytes)
// and 16 bytes of state; sockets and read buffers live in slots that only
// open connections hold, reused when a connection ends.
//
// Failures on sockets are recorded as outcomes, never thrown; only the
// environment (descriptors, ephemeral ports) throws EnvironmentError, with
// the numbers that explain it.
//
// Internal to sim/kernel (includes Boost.Asio).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/apps.h"
#include "sim/kernel/client_loader.h"
#include "sim/kernel/loader_shares.h"
#include "sim/kernel/timeline.h"
#include "sim/scenario/arrivals.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// One loader thread's share of the connections, on its io_context.
class Loader {
 public:
  // Per connection, for the whole run; an element is touched only by the
  // thread that runs its connection.
  struct Conn {
    std::uint32_t slot = UINT32_MAX;
    std::uint32_t response_bytes = 0;
    bool connected = false;
    bool closing = false;
    bool over = false;
    bool exchanged = false;
  };

  Loader(const scenario::Scenario& sc, const KernelOptions& opt, const AppsPlacement& place, LoaderShares& shares,
         std::vector<Conn>& conns, std::uint32_t thread, boost::asio::io_context& io,
         const boost::asio::ip::tcp::endpoint& server);
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Schedules every group's first arrival; call before the thread runs.
  void start(SteadyTime t0);

  // After the thread has joined: closes every open client socket (RST).
  void close_all();

  std::vector<PortUse> take_ports() { return std::move(ports_); }
  std::vector<AppNote> take_notes() { return std::move(notes_); }

 private:
  enum Event : std::uint32_t { kArrival, kStart, kSend, kClose };

  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  // Per open connection: its socket and read buffer.
  struct Slot {
    boost::asio::ip::tcp::socket sock;
    std::array<char, 4096> buf{};
    explicit Slot(boost::asio::io_context& io) : sock(io) {}
  };

  Time now() const { return timeline_->now(); }
  const scenario::ClientGroup& group_of(std::uint32_t c) const { return sc_.clients[shares_.group_of(c)]; }
  boost::asio::ip::tcp::socket& sock(std::uint32_t c) { return slots_[conns_[c].slot]->sock; }
  void note(std::uint32_t conn, outcome::Reason why) { notes_.push_back(AppNote{now(), conn, std::move(why)}); }
  void dispatch(std::uint32_t kind, std::uint32_t arg);

  void next_arrival(std::uint32_t g);
  void start_connection(std::uint32_t c);
  void on_connect(std::uint32_t c, const boost::system::error_code& ec);
  void client_send(std::uint32_t c);
  void await_ack(std::uint32_t c);
  void poll_acks();
  void after_exchange(std::uint32_t c);
  void client_read(std::uint32_t c);
  void client_close(std::uint32_t c);
  void fail(std::uint32_t c, const boost::system::error_code& ec, outcome::SocketCall call);
  void connection_over(std::uint32_t c);
  std::string descriptor_message(std::uint32_t c) const;
  std::string ports_message(std::uint32_t c) const;

  const scenario::Scenario& sc_;
  const KernelOptions& opt_;
  const AppsPlacement& place_;
  LoaderShares& shares_;
  std::vector<Conn>& conns_;
  std::uint32_t thread_;
  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint server_ep_;
  std::optional<Timeline> timeline_;
  std::vector<std::optional<ThreadArrivals>> arrivals_;  // per group: open-loop arrivals of this thread
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> awaiting_ack_;  // respond_bytes 0: SIOCOUTQ not yet 0
  boost::asio::steady_timer ack_timer_;
  bool ack_timer_armed_ = false;
  bool closed_ = false;  // close_all() ran
  std::string request_;
  std::vector<PortUse> ports_;  // this thread's, in connect() order
  std::vector<AppNote> notes_;  // this thread's, in time order
};

}  // namespace synsim::kernel
