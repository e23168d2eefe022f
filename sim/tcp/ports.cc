#include "sim/tcp/ports.h"

#include <bit>

namespace synsim::tcp {

PortAllocator::PortAllocator(std::uint32_t lo, std::uint32_t hi, std::uint16_t reserved, std::uint16_t start)
    : lo_(lo), hi_(hi), reserved_(reserved), next_port_(start) {
  static_assert(kTimeZero.time_since_epoch().count() == 0, "free_at_ starts as zero bytes: every port free");
  has_free_[0].fill(~std::uint64_t{0});
  has_free_[1].fill(~std::uint64_t{0});
  set_busy(reserved_);
}

void PortAllocator::expire(Time now) {
  while (!held_.empty() && held_.top().first <= now) {
    const auto [at, port] = held_.top();
    held_.pop();
    if (free_at_[port] == at) clear_busy(port);
  }
}

void PortAllocator::set_free_at(std::uint16_t port, Time now, Time at) {
  free_at_[port] = at;
  if (at > now) {
    set_busy(port);
    if (at != kTimeMax) held_.emplace(at, port);
  } else {
    clear_busy(port);
  }
}

void PortAllocator::release(std::uint16_t port, Time now, Time at) {
  if (free_at_[port] != kTimeMax) return;
  set_free_at(port, now, at);
}

std::int64_t PortAllocator::first_clear(std::uint32_t from, std::uint32_t to) const {
  if (from > to) return -1;
  // Bits of the ports with from's parity.
  const std::uint32_t parity = from & 1u;
  const std::uint64_t parity_mask = kParityMask[parity];
  const std::uint32_t last = to >> 6;
  const auto in_word = [&](std::uint32_t w, std::uint64_t free) -> std::int64_t {
    if (w == last) {
      const std::uint32_t top = to & 63;
      if (top != 63) free &= (std::uint64_t{1} << (top + 1)) - 1;
    }
    return free != 0 ? static_cast<std::int64_t>(w) * 64 + std::countr_zero(free) : -1;
  };
  std::uint32_t w = from >> 6;
  if (const std::int64_t p = in_word(w, ~busy_[w] & parity_mask & (~std::uint64_t{0} << (from & 63))); p >= 0) {
    return p;
  }
  // The next words with a free port of this parity, from the summary.
  for (++w; w <= last;) {
    const std::uint64_t s = has_free_[parity][w >> 6] & (~std::uint64_t{0} << (w & 63));
    if (s == 0) {
      w = (w | 63) + 1;
      continue;
    }
    w = (w & ~63u) + static_cast<std::uint32_t>(std::countr_zero(s));
    if (w > last) return -1;
    return in_word(w, ~busy_[w] & parity_mask);
  }
  return -1;
}

std::uint16_t PortAllocator::commit(std::uint32_t port, std::uint32_t parity) {
  free_at_[port] = kTimeMax;
  set_busy(port);
  next_port_ = static_cast<std::uint16_t>(port + 2 > hi_ ? lo_ + parity : port + 2);
  return static_cast<std::uint16_t>(port);
}

// The walk of take_linear(), as at most two runs of same-parity ports: from
// the start up to the top of the range, then from the bottom on, until as
// many ports were tried as the linear walk tries.
std::optional<std::uint16_t> PortAllocator::take(Time now) {
  expire(now);
  const std::uint32_t span = hi_ - lo_ + 1;
  const std::uint32_t tries = (span + 1) / 2;
  for (std::uint32_t parity = 0; parity < 2; ++parity) {
    std::uint32_t port = next_port_;
    if ((port & 1u) != parity) port = port + 1 > hi_ ? lo_ : port + 1;
    if (port < lo_ || port > hi_) {
      // Not a walk take() can shortcut (a range of one or two ports).
      return take_linear(now);
    }
    // First run: port, port+2, ... <= hi.
    const std::uint32_t first_last = port + (hi_ - port) / 2 * 2;
    const std::uint32_t first_count = (first_last - port) / 2 + 1;
    const std::uint32_t n1 = first_count < tries ? first_count : tries;
    if (const std::int64_t p = first_clear(port, port + 2 * (n1 - 1)); p >= 0) {
      return commit(static_cast<std::uint32_t>(p), parity);
    }
    if (n1 == tries) continue;
    // Then from the wrap point; a second wrap would only repeat ports already tried.
    const std::uint32_t wrap = lo_ + ((lo_ & 1u) != parity ? 1 : 0);
    if (wrap > hi_) continue;
    const std::uint32_t rest = tries - n1;
    const std::uint32_t wrap_last = wrap + (hi_ - wrap) / 2 * 2;
    const std::uint32_t second_last = std::min<std::uint64_t>(wrap + 2ull * (rest - 1), wrap_last);
    if (const std::int64_t p = first_clear(wrap, second_last); p >= 0) {
      return commit(static_cast<std::uint32_t>(p), parity);
    }
  }
  return std::nullopt;
}

std::optional<std::uint16_t> PortAllocator::take_linear(Time now) {
  const std::uint32_t span = hi_ - lo_ + 1;
  for (std::uint32_t parity = 0; parity < 2; ++parity) {
    std::uint32_t port = next_port_;
    if ((port & 1u) != parity) port = port + 1 > hi_ ? lo_ : port + 1;
    for (std::uint32_t tries = 0; tries < span; tries += 2) {
      if (port != reserved_ && port >= lo_ && port <= hi_ && free_at_[port] <= now) {
        expire(now);
        return commit(port, parity);
      }
      port = port + 2 > hi_ ? lo_ + ((lo_ & 1u) != parity ? 1 : 0) : port + 2;
    }
  }
  return std::nullopt;
}

}  // namespace synsim::tcp
