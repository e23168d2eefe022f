#include "sim/outcome/segment_kind.h"

namespace synsim::outcome {

SegmentKind segment_kind(std::uint8_t flags, std::uint32_t length) {
  if (flags & kRst) return SegmentKind::rst;
  if ((flags & kSyn) && (flags & kAck)) return SegmentKind::synack;
  if (flags & kSyn) return SegmentKind::syn;
  if (length > 0) return SegmentKind::data;
  if (flags & kFin) return SegmentKind::fin;
  return SegmentKind::ack;
}

const char* to_string(SegmentKind k) {
  switch (k) {
    case SegmentKind::syn: return "SYN";
    case SegmentKind::synack: return "SYN-ACK";
    case SegmentKind::data: return "data";
    case SegmentKind::fin: return "FIN";
    case SegmentKind::ack: return "ACK";
    case SegmentKind::rst: return "RST";
  }
  return "?";
}

}  // namespace synsim::outcome
