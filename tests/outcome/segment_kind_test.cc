// outcome::segment_kind(): what a segment is, the one definition that the
// model's link, the kernel runner, compare and the report call.
#include "sim/outcome/segment_kind.h"

#include <gtest/gtest.h>

namespace synsim::outcome {
namespace {

TEST(SegmentKind, FlagsDecideBeforePayload) {
  EXPECT_EQ(segment_kind(kSyn, 0), SegmentKind::syn);
  EXPECT_EQ(segment_kind(kSyn | kAck, 0), SegmentKind::synack);
  EXPECT_EQ(segment_kind(kRst, 0), SegmentKind::rst);
  EXPECT_EQ(segment_kind(kRst | kAck, 0), SegmentKind::rst);
  EXPECT_EQ(segment_kind(kRst | kSyn, 0), SegmentKind::rst);
}

TEST(SegmentKind, PayloadMakesData) {
  EXPECT_EQ(segment_kind(kPsh | kAck, 5), SegmentKind::data);
  EXPECT_EQ(segment_kind(kAck, 1), SegmentKind::data);
}

TEST(SegmentKind, FinCarryingPayloadIsData) {
  EXPECT_EQ(segment_kind(kFin | kPsh | kAck, 1), SegmentKind::data);
  EXPECT_EQ(segment_kind(kFin | kAck, 0), SegmentKind::fin);
}

TEST(SegmentKind, AnythingElseIsAnAck) {
  EXPECT_EQ(segment_kind(kAck, 0), SegmentKind::ack);
  EXPECT_EQ(segment_kind(kPsh | kAck, 0), SegmentKind::ack);
  EXPECT_EQ(segment_kind(0, 0), SegmentKind::ack);
}

TEST(SegmentKind, PacketIsClassifiedByItsFlagsAndLength) {
  Packet p;
  p.flags = kFin | kAck;
  EXPECT_EQ(segment_kind(p), SegmentKind::fin);
  p.length = 3;
  EXPECT_EQ(segment_kind(p), SegmentKind::data);
}

TEST(SegmentKind, NamesAsTcpdumpReadersSayThem) {
  EXPECT_STREQ(to_string(SegmentKind::syn), "SYN");
  EXPECT_STREQ(to_string(SegmentKind::synack), "SYN-ACK");
  EXPECT_STREQ(to_string(SegmentKind::data), "data");
  EXPECT_STREQ(to_string(SegmentKind::fin), "FIN");
  EXPECT_STREQ(to_string(SegmentKind::ack), "ACK");
  EXPECT_STREQ(to_string(SegmentKind::rst), "RST");
}

}  // namespace
}  // namespace synsim::outcome
