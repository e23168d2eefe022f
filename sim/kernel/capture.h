// Every packet on the namespace's `lo`, as tcpdump would see it, captured
// with an AF_PACKET socket (packet(7)).
//
// A loopback packet passes the capture twice: once leaving (PACKET_OUTGOING,
// from dev_queue_xmit_nit()) and once arriving (PACKET_HOST, from
// netif_rx()). Only the outgoing copy is kept, so each segment is seen once,
// in transmission order, as the model's wire records it.
//
// Timestamps: SO_TIMESTAMPNS gives the kernel's time of the copy as
// CLOCK_REALTIME; the runner's clock is CLOCK_MONOTONIC. The offset between
// the two is measured once when the capture opens (the tightest of several
// back-to-back readings) and subtracted; a run lasts seconds, so clock
// slewing moves it by microseconds at most. A timestamp that is clearly not
// realtime (some kernels deliver TCP's monotonic departure time for
// outgoing copies) is used as monotonic directly.
//
// Cost at load (~300k packets/s at this machine's capacity): a classic BPF
// filter keeps only the outgoing copy and only the headers (kSnapLength), in
// the kernel, and the frames land in a TPACKET_V3 ring (packet_mmap) read
// without a system call per packet; where the ring cannot be set up, the
// capture falls back to recvmsg() on a 32 MiB buffer.
//
// The capture runs on a thread of its own (started by the namespace's
// thread, so it lives in the namespace too), polling with a short timeout so
// stop() returns promptly; every loop is bounded.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "sim/outcome/outcome.h"

namespace synsim::kernel {

struct CapturedPacket {
  std::int64_t mono_ns = 0;  // CLOCK_MONOTONIC, absolute
  outcome::Packet packet;    // time not yet set
  std::vector<outcome::Reason> notes;  // what the wire did to it (wire mode)
};

class Capture {
 public:
  // Opens and binds the socket on `ifname` of the calling thread's namespace.
  // Throws EnvironmentError.
  explicit Capture(const std::string& ifname);
  ~Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  void start();
  // Stops the thread, reads what is still queued, and returns everything in
  // capture order. `limit_ns`: a bound on how long stop() may take.
  std::vector<CapturedPacket> stop(std::int64_t limit_ns);

  // Packets the kernel dropped because the capture buffer was full
  // (PACKET_STATISTICS), and frames that were not IPv4/TCP.
  std::uint64_t kernel_drops() const { return kernel_drops_; }
  std::uint64_t packets_limit_hit() const { return limit_hit_; }

  static constexpr std::size_t kMaxPackets = 2'000'000;

 private:
  void loop();
  // Reads everything readable now; false when nothing was.
  bool drain_once();
  bool drain_ring();
  void record(std::int64_t stamp_ns, std::int64_t user_mono, const std::uint8_t* frame, std::size_t len);

  int fd_ = -1;
  // TPACKET_V3 ring (nullptr: recvmsg fallback).
  std::uint8_t* ring_ = nullptr;
  std::size_t block_size_ = 0;
  std::size_t blocks_ = 0;
  std::size_t next_block_ = 0;
  std::int64_t realtime_minus_mono_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<CapturedPacket> packets_;
  std::uint64_t kernel_drops_ = 0;
  std::uint64_t limit_hit_ = 0;
};

// CLOCK_MONOTONIC now, in nanoseconds.
std::int64_t monotonic_ns();

}  // namespace synsim::kernel
