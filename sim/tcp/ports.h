// Ephemeral ports for connect(): which are in use, which are held after a
// close, and the kernel's walk to the next free one.
//
// Read first: net/ipv4/inet_hashtables.c __inet_hash_connect(): the walk
// starts at an offset into ip_local_port_range and tries every other port
// (even ones first in 6.x, odd ones are left to bind()), then the other
// parity.
//
// The walk is the kernel's; finding the first free port on it is not a
// port-by-port loop but a bitset search, 64 ports a step: under load tens
// of thousands of ports are in use at once and a linear walk dominated the
// run time. `take_linear` keeps the port-by-port walk as the reference the
// unit tests compare against.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/core/zeroed_array.h"

namespace synsim::tcp {

class PortAllocator {
 public:
  // `lo`..`hi`: ip_local_port_range; `reserved`: the listener's port, never
  // handed out; `start`: the walk's first offset (a port in [lo, hi]).
  PortAllocator(std::uint32_t lo, std::uint32_t hi, std::uint16_t reserved, std::uint16_t start);

  // The next free port on the walk at time `now`, marked in use; nullopt
  // when every port in the range is in use or held (EADDRNOTAVAIL).
  std::optional<std::uint16_t> take(Time now);
  // The same walk, one port at a time (the reference for take()).
  std::optional<std::uint16_t> take_linear(Time now);
  // The socket using `port` is gone: the port is free again from `at`.
  void release(std::uint16_t port, Time now, Time at);
  // Marks a port in use or held until `at` (tests set up patterns).
  void set_free_at(std::uint16_t port, Time now, Time at);

  bool in_use(std::uint16_t port) const { return free_at_[port] == kTimeMax; }
  Time free_at(std::uint16_t port) const { return free_at_[port]; }
  std::uint16_t next_port() const { return next_port_; }

 private:
  static constexpr std::size_t kWords = 65536 / 64;

  // Held ports whose time has come become free.
  void expire(Time now);
  // First port p in [from, to] with p's parity equal to from's whose busy
  // bit is clear; -1 if none.
  std::int64_t first_clear(std::uint32_t from, std::uint32_t to) const;
  static constexpr std::uint64_t kParityMask[2] = {0x5555555555555555ull, 0xAAAAAAAAAAAAAAAAull};
  void set_busy(std::uint32_t port) {
    busy_[port >> 6] |= std::uint64_t{1} << (port & 63);
    update_summary(port >> 6);
  }
  void clear_busy(std::uint32_t port) {
    if (port == reserved_) return;
    busy_[port >> 6] &= ~(std::uint64_t{1} << (port & 63));
    update_summary(port >> 6);
  }
  void update_summary(std::uint32_t w) {
    for (std::uint32_t p = 0; p < 2; ++p) {
      const std::uint64_t bit = std::uint64_t{1} << (w & 63);
      if ((~busy_[w] & kParityMask[p]) != 0) {
        has_free_[p][w >> 6] |= bit;
      } else {
        has_free_[p][w >> 6] &= ~bit;
      }
    }
  }
  std::uint16_t commit(std::uint32_t port, std::uint32_t parity);

  std::uint32_t lo_;
  std::uint32_t hi_;
  std::uint16_t reserved_;
  std::uint16_t next_port_;
  // When each port is free again (kTimeMax: in use); zero bytes are kTimeZero.
  ZeroedArray<Time> free_at_{65536};
  // Bit set: the port is in use, held, or reserved (free_at_ > the last
  // expire() time, or the listener's port).
  std::array<std::uint64_t, kWords> busy_{};
  // Bit w of has_free_[p]: word w of busy_ has a clear bit for a port of
  // parity p (ignoring the range), so a search skips 4096 ports a step.
  std::array<std::uint64_t, kWords / 64> has_free_[2];
  using Hold = std::pair<Time, std::uint16_t>;
  std::priority_queue<Hold, std::vector<Hold>, std::greater<>> held_;
};

}  // namespace synsim::tcp
