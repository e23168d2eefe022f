// The segments a packetdrill script's remote peer writes into the TUN device
// (sim/kernel/pkt_frame.h): checksums that verify, options as the line lists
// them, and the kernel's segments read back in the model's form.
#include "sim/kernel/pkt_frame.h"

#include <gtest/gtest.h>

#include "sim/packetdrill/parse.h"

namespace synsim::kernel {
namespace {

constexpr PktEndpoint kPeer{0x7f000002, 40002};
constexpr PktEndpoint kLocal{0x7f000001, 8080};

packetdrill::PacketEvent line(const std::string& text) {
  auto parsed = packetdrill::parse_script("0 " + text + "\n", "t.pkt", nullptr);
  EXPECT_TRUE(std::holds_alternative<packetdrill::Script>(parsed));
  return std::get<packetdrill::PacketEvent>(std::get<packetdrill::Script>(parsed).events.at(0).what);
}

TEST(PktFrame, InternetChecksumIsRfc1071s) {
  // RFC 1071 §3's example: the sum of 0001 f203 f4f5 f6f7 is ddf2.
  const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(bytes), static_cast<std::uint16_t>(~0xddf2 & 0xffff));
}

TEST(PktFrame, AnInboundSynVerifiesAndReadsBackAsWritten) {
  const auto p = line("< S 0:0(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>");
  const std::vector<std::uint8_t> b = build_inbound(p, kPeer, kLocal, PktNumbers{1000, 0, 0});
  ASSERT_EQ(b.size(), 20u + 20u + 20u);  // IPv4, TCP, 20 bytes of options (4-byte aligned)
  EXPECT_EQ(internet_checksum(std::span(b).first(20)), 0);  // a header with its checksum sums to zero
  const std::uint32_t pseudo = (kPeer.addr >> 16) + (kPeer.addr & 0xffff) + (kLocal.addr >> 16) +
                               (kLocal.addr & 0xffff) + 6 + 40;
  EXPECT_EQ(internet_checksum(std::span(b).subspan(20), pseudo), 0);
  const std::optional<PktOutbound> back = read_outbound(b, kPeer, kLocal.addr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to_port, 8080);
  EXPECT_EQ(back->seg.flags, tcp::kSyn);
  EXPECT_EQ(back->seg.seq, 1000u);
  EXPECT_EQ(back->seg.window, 65535);
  EXPECT_EQ(back->seg.mss, 65495);
  EXPECT_TRUE(back->seg.sack_permitted);
  EXPECT_TRUE(back->seg.has_ts);
  EXPECT_EQ(back->seg.ts_val, 100u);
  EXPECT_EQ(back->seg.ts_ecr, 0u);
  EXPECT_EQ(back->seg.wscale, 7);
}

TEST(PktFrame, AcksSackBlocksAndAnEchoedTimestampUseTheKernelsNumbers) {
  const auto p = line("< P. 1:6(5) ack 1 win 512 <nop,nop,TS val 110 ecr 100,nop,nop,sack 1:3>");
  const std::vector<std::uint8_t> b = build_inbound(p, kPeer, kLocal, PktNumbers{1000, 7000, 4242});
  const std::optional<PktOutbound> back = read_outbound(b, kPeer, kLocal.addr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seg.seq, 1001u);
  EXPECT_EQ(back->seg.ack, 7001u);
  EXPECT_EQ(back->seg.len, 5u);
  EXPECT_EQ(back->seg.ts_ecr, 4242u);  // the kernel's last TSval, not the script's 100
  EXPECT_EQ(back->seg.sack_left, 7001u);
  EXPECT_EQ(back->seg.sack_right, 7003u);
}

TEST(PktFrame, SegmentsOfOtherAddressesOrPortsAreNotTheLocalSides) {
  const auto p = line("< S 0:0(0) win 65535");
  const std::vector<std::uint8_t> b = build_inbound(p, kPeer, kLocal, PktNumbers{1000, 0, 0});
  EXPECT_FALSE(read_outbound(b, kLocal, kPeer.addr));
  EXPECT_FALSE(read_outbound(b, PktEndpoint{kPeer.addr, 1}, kLocal.addr));
  EXPECT_FALSE(read_outbound(std::span(b).first(10), kPeer, kLocal.addr));
}

}  // namespace
}  // namespace synsim::kernel
