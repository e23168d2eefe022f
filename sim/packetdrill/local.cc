#include "sim/packetdrill/local.h"

namespace synsim::packetdrill {

void Local::record(Time t, const tcp::Segment& seg) {
  if ((seg.flags & tcp::kSyn) && !local_isn_) local_isn_ = seg.seq;
  if (seg.has_ts) local_ts_ = seg.ts_val;
  Sent s;
  s.at = t;
  s.seg = seg;
  s.seq = seg.seq - local_isn_.value_or(0);
  s.ack = (seg.flags & tcp::kAck) ? seg.ack - kPeerIsn : 0;
  sent_.push_back(s);
}

}  // namespace synsim::packetdrill
