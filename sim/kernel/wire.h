// Wire mode: client and server in two network namespaces of their own,
// joined by a userspace wire over two TUN devices (tun(4)) that applies the
// scenario's link rules (one-way latency, delay or drop of chosen segments)
// exactly as the model's link does (sim/tcp/loopback.cc Stack::xmit: every
// matching rule counts the segment; a drop ends it, delays add up).
//
// Addresses stay in the loopback range and never leave the process's own
// namespaces: in each namespace `lo` stays down (so 127.0.0.0/8 is not
// local there), the TUN device gets a 127.x address and its peer's
// (point-to-point, /32), and net.ipv4.conf.all.route_localnet=1 lets 127.x
// travel on it. The server keeps the scenario's address; the clients get
// the next one (127.0.0.1 -> 127.0.0.2). The TUN MTU is 65535, so MSS and
// segment sizes are loopback-like.
//
// The wire sees every segment, so it is also the capture: each segment is
// recorded when it leaves its sender (read from the sender's TUN), held or
// dropped ones included, like the model's wire.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "sim/core/time.h"
#include "sim/kernel/capture.h"
#include "sim/outcome/segment_kind.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

struct WireRule {
  std::int64_t conn = -1;  // -1: any connection
  bool any = true;
  scenario::SegmentKind kind = scenario::SegmentKind::any;
  std::uint32_t nth = 0;   // 1-based occurrence; 0: every one
  bool drop = false;
  Duration delay{};
  std::uint32_t seen = 0;
};

struct WireConfig {
  std::string server_addr;       // dotted quad, the scenario's
  std::string client_addr;       // next address
  std::uint16_t server_port = 0;
  std::uint16_t client_port_base = 0;  // connection c binds client_port_base + c
  std::uint32_t connections = 0;
  Duration latency{};
  std::vector<WireRule> rules;
};

// The client address for a server address: the next one in 127.0.0.0/8.
std::string wire_client_address(const std::string& server_addr);

// Creates a TUN device named `name` in the calling thread's namespace,
// configured as one end of the point-to-point wire (address `local`, peer
// `peer`, MTU 65535, up) with route_localnet set. Returns its descriptor.
// Throws EnvironmentError.
int wire_create_tun(const std::string& name, const std::string& local, const std::string& peer);

class Wire {
 public:
  // Takes ownership of both descriptors.
  Wire(WireConfig config, int client_tun, int server_tun);
  ~Wire();
  Wire(const Wire&) = delete;
  Wire& operator=(const Wire&) = delete;

  void start();
  // Stops forwarding; returns every segment seen, in the order seen.
  std::vector<CapturedPacket> stop();

 private:
  void loop();
  void on_packet(bool from_client_side, const std::uint8_t* data, std::size_t len);
  std::int64_t conn_of(std::uint16_t client_port) const;

  struct Held {
    std::int64_t release_ns = 0;
    std::uint64_t seq = 0;
    bool to_server = true;
    std::vector<std::uint8_t> bytes;
  };
  struct ConnState {
    outcome::SegmentClassifier classes;  // its segments, both ways, as they leave their sender
  };

  WireConfig cfg_;
  int client_tun_ = -1;
  int server_tun_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<Held> held_;  // a heap on (release_ns, seq)
  std::uint64_t seq_ = 0;
  std::vector<ConnState> conns_;
  std::vector<CapturedPacket> packets_;
};

}  // namespace synsim::kernel
