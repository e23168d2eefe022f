// The listener's queues on the real kernel, sampled while a run plays:
// what `ss -lnt` and `ss -tn state syn-recv` would show.
//
// /proc/net/tcp (of the sampling thread's namespace) lists the listener
// with rx_queue = sk_ack_backlog (children waiting for accept(); see
// get_tcp4_sock in net/ipv4/tcp_ipv4.c) and every request sock as a
// SYN_RECV (03) row; counting those rows gives the SYN queue. Sampled on a
// thread of its own every `interval`, only for small runs (reading the table
// costs O(sockets)).
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>
#include <thread>
#include <vector>

#include "sim/core/time.h"

namespace synsim::kernel {

struct RawQueueSample {
  std::int64_t mono_ns = 0;
  std::int64_t syn_queue = 0;
  std::int64_t accept_queue = 0;
};

// Parses one /proc/net/tcp text: the listener on `port` (state 0A) and its
// SYN_RECV rows. Returns false if no listener row was found.
bool parse_proc_net_tcp(std::string_view text, std::uint16_t port, RawQueueSample* out);

class QueueSampler {
 public:
  // Starts sampling on a new thread, which inherits the caller's namespace.
  QueueSampler(std::uint16_t port, Duration interval);
  ~QueueSampler();
  QueueSampler(const QueueSampler&) = delete;
  QueueSampler& operator=(const QueueSampler&) = delete;

  // Stops and returns the samples at which either queue changed.
  std::vector<RawQueueSample> stop();

 private:
  void run();

  std::uint16_t port_;
  Duration interval_;
  std::atomic<bool> stop_{false};
  std::vector<RawQueueSample> samples_;
  std::thread thread_;
};

}  // namespace synsim::kernel
