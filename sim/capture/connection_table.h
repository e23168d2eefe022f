// The streaming explainer's tables keyed by a connection's 4-tuple: open
// addressing with linear probing in one array (a lookup a packet touches
// one or two cache lines, where a node-based map chases pointers), deletion
// by shifting the entries after it back (no tombstones). Lookups only: it
// is never iterated, so nothing said depends on hash order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/capture/wire_segment.h"

namespace synsim::capture {

// A connection's 4-tuple, the client's side first.
struct ConnectionKey {
  IpAddress client;
  std::uint16_t client_port = 0;
  IpAddress server;
  std::uint16_t server_port = 0;
  bool operator==(const ConnectionKey&) const = default;
};

// The addresses' words and the ports, multiplied apart, then murmur3's
// finaliser: every bit of the key moves the slot.
inline std::uint64_t connection_hash(const ConnectionKey& k) {
  const auto word = [](const std::uint8_t* p) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  std::uint64_t h = word(k.client.bytes.data()) * 0x9e3779b97f4a7c15ull;
  h ^= word(k.client.bytes.data() + 8) * 0xc2b2ae3d27d4eb4full;
  h ^= word(k.server.bytes.data()) * 0x165667b19e3779f9ull;
  h ^= word(k.server.bytes.data() + 8) * 0x27d4eb2f165667c5ull;
  h ^= (std::uint64_t{k.client_port} << 16 | k.server_port) * 0x94d049bb133111ebull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

struct ConnectionHash {
  std::uint64_t operator()(const ConnectionKey& k) const { return connection_hash(k); }
};
// A key that is already a hash.
struct Fingerprint {
  std::uint64_t operator()(std::uint64_t k) const { return k; }
};

template <typename Key, typename Value, typename Hash>
class FlatTable {
 public:
  Value* find(const Key& k) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(k);; i = (i + 1) & mask_) {
      if (!slots_[i].used) return nullptr;
      if (slots_[i].key == k) return &slots_[i].value;
    }
  }

  void set(const Key& k, const Value& v) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();  // at most 3/4 full
    std::size_t i = home(k);
    while (slots_[i].used && !(slots_[i].key == k)) i = (i + 1) & mask_;
    if (!slots_[i].used) ++size_;
    slots_[i] = Slot{k, v, true};
  }

  void erase(const Key& k) {
    if (size_ == 0) return;
    std::size_t i = home(k);
    while (slots_[i].used && !(slots_[i].key == k)) i = (i + 1) & mask_;
    if (!slots_[i].used) return;
    // Each entry after it that probed past it moves back into the gap.
    for (std::size_t j = (i + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].key);
      const bool past_gap = i <= j ? (h <= i || h > j) : (h <= i && h > j);
      if (!past_gap) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i].used = false;
    --size_;
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    Key key;
    Value value{};
    bool used = false;
  };
  std::size_t home(const Key& k) const { return static_cast<std::size_t>(Hash{}(k)) & mask_; }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.used) set(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

template <typename Value>
using ConnectionTable = FlatTable<ConnectionKey, Value, ConnectionHash>;

}  // namespace synsim::capture
