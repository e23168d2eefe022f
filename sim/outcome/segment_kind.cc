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

const char* to_string(SegmentClass c) {
  switch (c) {
    case SegmentClass::syn: return "syn";
    case SegmentClass::synack: return "synack";
    case SegmentClass::final_ack: return "final_ack";
    case SegmentClass::data: return "data";
    case SegmentClass::ack: return "ack";
    case SegmentClass::rst: return "rst";
    case SegmentClass::fin: return "fin";
  }
  return "?";
}

SegmentClass SegmentClassifier::classify(std::uint8_t flags, std::uint32_t length, std::uint32_t seq,
                                         std::uint32_t ack, bool from_client) {
  switch (segment_kind(flags, length)) {
    case SegmentKind::syn:
      if (from_client && client_isn_ != seq) {
        client_isn_ = seq;
        server_isn_.reset();
        final_ack_seen_ = false;
      }
      return SegmentClass::syn;
    case SegmentKind::synack:
      if (!from_client) server_isn_ = seq;
      return SegmentClass::synack;
    case SegmentKind::data: return SegmentClass::data;
    case SegmentKind::fin: return SegmentClass::fin;
    case SegmentKind::rst: return SegmentClass::rst;
    case SegmentKind::ack: break;
  }
  // A side that saw only one direction's SYN (a scripted peer's) checks
  // the numbers it has.
  const bool numbers = server_isn_ && ack == *server_isn_ + 1 && (!client_isn_ || seq == *client_isn_ + 1);
  if (from_client && (flags & kAck) && numbers && !final_ack_seen_) {
    final_ack_seen_ = true;
    return SegmentClass::final_ack;
  }
  return SegmentClass::ack;
}

}  // namespace synsim::outcome
