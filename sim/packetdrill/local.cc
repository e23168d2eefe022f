#include "sim/packetdrill/local.h"

#include <algorithm>

namespace synsim::packetdrill {

void Local::record(Time t, const tcp::Segment& seg, Tuple tuple) {
  TupleSeen& seen = tuples_[tuple];
  if ((seg.flags & tcp::kSyn) && !seen.isn) seen.isn = seg.seq;
  if (seg.has_ts) seen.ts = seg.ts_val;
  Sent s;
  s.at = t;
  s.seg = seg;
  s.seq = seg.seq - seen.isn.value_or(0);
  s.ack = (seg.flags & tcp::kAck) ? seg.ack - kPeerIsn : 0;
  s.tuple = tuple;
  sent_.push_back(s);
}

std::optional<std::uint32_t> Local::local_isn(Tuple tuple) const {
  const auto it = tuples_.find(tuple);
  return it == tuples_.end() ? std::nullopt : it->second.isn;
}

std::uint32_t Local::local_ts(Tuple tuple, std::uint32_t script_ecr) const {
  const auto it = tuples_.find(tuple);
  if (it == tuples_.end()) return 0;
  const auto mapped = it->second.ts_of_script.find(script_ecr);
  return mapped == it->second.ts_of_script.end() ? it->second.ts : mapped->second;
}

void Local::map_script_ts(Tuple tuple, std::uint32_t script_val, std::uint32_t actual) {
  tuples_[tuple].ts_of_script[script_val] = actual;
}

std::vector<Tuple> script_tuples(const Script& script) {
  std::vector<Tuple> out;
  for (const Event& e : script.events) {
    const auto* p = std::get_if<PacketEvent>(&e.what);
    const std::optional<std::uint16_t> port = p != nullptr ? p->remote_port() : std::nullopt;
    if (port && *port != kDefaultTuple && std::find(out.begin(), out.end(), *port) == out.end()) out.push_back(*port);
  }
  return out;
}

}  // namespace synsim::packetdrill
