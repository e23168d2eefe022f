#include "sim/core/trace.h"

#include "sim/core/rng.h"

namespace synsim {

void Trace::mix(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) {
    hash_ ^= (u >> (8 * i)) & 0xff;
    hash_ *= 0x100000001b3ull;
  }
}

void Trace::record(Time when, std::string_view what) {
  mix(to_ns(when));
  hash_ = fnv1a64(what, hash_);
  if (keep_last_ == 0) return;
  if (last_.size() == keep_last_) last_.pop_front();
  last_.push_back(format_seconds(when) + " " + std::string(what));
}

std::string Trace::last_events() const {
  std::string out;
  for (const std::string& line : last_) {
    out += "  ";
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace synsim
