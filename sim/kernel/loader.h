// The scenario's client groups on real sockets: one loader thread with its
// own io_context, as the report's loader process was one program apart from
// the server.
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
// insertion), from one timeline.
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
#include "sim/kernel/timeline.h"
#include "sim/scenario/arrivals.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

struct LoaderResult {
  std::vector<outcome::ConnectionRecord> records;  // scenario order
  std::vector<PortUse> ports;                      // in connect() order
  std::vector<AppNote> notes;                      // in time order
};

class Loader {
 public:
  Loader(const scenario::Scenario& sc, const KernelOptions& opt, const AppsPlacement& place,
         boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& server);
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Schedules every group's first arrival; call before the thread runs.
  void start(SteadyTime t0);

  // After the thread has joined: closes every open client socket (RST).
  void close_all();

  LoaderResult take() { return std::move(res_); }

 private:
  enum Event : std::uint32_t { kArrival, kStart, kSend, kClose };

  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  // How long a client waits for the EOF that follows a closing server's
  // response (microseconds behind it on loopback) before closing anyway.
  static constexpr Duration kEofWait = ms(5);

  // Per connection, for the whole run.
  struct Conn {
    std::uint32_t group = 0;
    std::uint32_t slot = kNoSlot;
    std::uint32_t response_bytes = 0;
    bool connected = false;
    bool closing = false;
    bool over = false;
    bool exchanged = false;
  };

  // Per open connection: its socket and read buffer.
  struct Slot {
    boost::asio::ip::tcp::socket sock;
    std::array<char, 4096> buf{};
    explicit Slot(boost::asio::io_context& io) : sock(io) {}
  };

  struct Group {
    std::uint32_t first_conn = 0;
    std::uint32_t next_index = 0;
    std::optional<scenario::ArrivalGaps> gaps;  // rate arrivals
  };

  Time now() const { return timeline_->now(); }
  const scenario::ClientGroup& group_of(std::uint32_t c) const { return sc_.clients[conns_[c].group]; }
  boost::asio::ip::tcp::socket& sock(std::uint32_t c) { return slots_[conns_[c].slot]->sock; }
  void note(std::uint32_t conn, outcome::Reason why) { res_.notes.push_back(AppNote{now(), conn, std::move(why)}); }
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
  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint server_ep_;
  std::optional<Timeline> timeline_;
  std::vector<Conn> conns_;
  std::vector<Group> groups_;
  std::vector<Time> due_;  // per group: when its pending arrival was meant to happen
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> awaiting_ack_;  // respond_bytes 0: SIOCOUTQ not yet 0
  boost::asio::steady_timer ack_timer_;
  bool ack_timer_armed_ = false;
  std::uint32_t started_ = 0;  // connect() calls so far
  bool closed_ = false;          // close_all() ran
  std::string request_;
  LoaderResult res_;
};

}  // namespace synsim::kernel
