// The run's trace: a running hash of everything the run did, and the last
// few events in words for failure messages.
//
// Two runs with the same scenario and seed must end with the same hash; a
// test runs every shipped scenario twice and compares (determinism is a
// feature, and this is how it is checked).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "sim/core/time.h"

namespace synsim {

class Trace {
 public:
  explicit Trace(std::size_t keep_last = 32) : keep_last_(keep_last) {}

  // Mix raw values into the hash (event dispatch: time, seq, kind, arg).
  void mix(std::int64_t v) {
    // One multiply-rotate per word: cheap enough to run on every event.
    hash_ = rotl(hash_ ^ static_cast<std::uint64_t>(v), 29) * 0x9e3779b97f4a7c15ull;
  }
  // Keep one event in words for failure messages (not hashed: the events
  // and packets that caused it are).
  void record(Time when, std::string_view what);

  std::uint64_t hash() const { return hash_; }
  // The last events, one per line, oldest first: "1.024000 SYN-ACK retransmit x#1".
  std::string last_events() const;

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t hash_ = 0xcbf29ce484222325ull;
  std::size_t keep_last_;
  std::deque<std::pair<Time, std::string>> last_;
};

}  // namespace synsim
