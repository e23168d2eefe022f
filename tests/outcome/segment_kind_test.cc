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

// The handshake of one connection: client ISN 100, server ISN 500.
struct Handshake {
  SegmentClassifier c;
  SegmentClass client(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0) {
    return c.classify(flags, len, seq, ack, true);
  }
  SegmentClass server(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0) {
    return c.classify(flags, len, seq, ack, false);
  }
};

TEST(SegmentClassifier, TheClientsFirstBareAckOfTheSynAckIsTheFinalAck) {
  Handshake h;
  EXPECT_EQ(h.client(kSyn, 100, 0), SegmentClass::syn);
  EXPECT_EQ(h.server(kSyn | kAck, 500, 101), SegmentClass::synack);
  EXPECT_EQ(h.client(kAck, 101, 501), SegmentClass::final_ack);
  EXPECT_EQ(h.client(kPsh | kAck, 101, 501, 5), SegmentClass::data);
  EXPECT_EQ(h.server(kAck, 501, 106), SegmentClass::ack);
  EXPECT_EQ(h.client(kFin | kAck, 106, 501), SegmentClass::fin);
  EXPECT_EQ(h.server(kRst, 501, 0), SegmentClass::rst);
}

// The case: the wire called this ACK final_ack, the model ack.
TEST(SegmentClassifier, AChallengeAckToARetransmittedSynAckIsAnAckNotTheFinalAck) {
  Handshake h;
  h.client(kSyn, 100, 0);
  h.server(kSyn | kAck, 500, 101);
  EXPECT_EQ(h.client(kAck, 101, 501), SegmentClass::final_ack);  // dropped on a full queue, say
  EXPECT_EQ(h.server(kSyn | kAck, 500, 101), SegmentClass::synack);
  EXPECT_EQ(h.client(kAck, 101, 501), SegmentClass::ack);  // the same numbers: tcp_send_challenge_ack()
}

TEST(SegmentClassifier, AFinalAckRidingOnTheRequestIsData) {
  Handshake h;
  h.client(kSyn, 100, 0);
  h.server(kSyn | kAck, 500, 101);
  EXPECT_EQ(h.client(kPsh | kAck, 101, 501, 5), SegmentClass::data);
  h.server(kSyn | kAck, 500, 101);
  EXPECT_EQ(h.client(kAck, 106, 501), SegmentClass::ack);
}

TEST(SegmentClassifier, ANewSynOnTheTupleStartsTheHandshakeAgain) {
  Handshake h;
  h.client(kSyn, 100, 0);
  h.server(kSyn | kAck, 500, 101);
  h.client(kAck, 101, 501);
  EXPECT_EQ(h.client(kSyn, 9000, 0), SegmentClass::syn);
  h.server(kSyn | kAck, 7000, 9001);
  EXPECT_EQ(h.client(kAck, 9001, 7001), SegmentClass::final_ack);
}

TEST(SegmentClassifier, AnAckBeforeAnySynAckOrWithOtherNumbersIsAnAck) {
  Handshake h;
  EXPECT_EQ(h.client(kAck, 101, 501), SegmentClass::ack);
  h.client(kSyn, 100, 0);
  h.server(kSyn | kAck, 500, 101);
  EXPECT_EQ(h.client(kAck, 101, 502), SegmentClass::ack);
  EXPECT_EQ(h.server(kAck, 101, 501), SegmentClass::ack);  // the server's is never the final ACK
}

}  // namespace
}  // namespace synsim::outcome
