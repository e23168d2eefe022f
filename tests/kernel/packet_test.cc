// Decoding captured frames: IPv4, TCP, options as tcpdump prints them.
#include <gtest/gtest.h>

#include <vector>

#include "sim/kernel/packet.h"

namespace synsim::kernel {
namespace {

// A loopback SYN as the capture sees it: 14-byte Ethernet header (zero
// MACs), IPv4 20 bytes, TCP 40 bytes with [mss 65495,sackOK,TS val 7 ecr 0,nop,wscale 7].
std::vector<std::uint8_t> syn_frame() {
  std::vector<std::uint8_t> f(14, 0);
  f[12] = 0x08;
  f[13] = 0x00;
  const std::uint8_t ip[20] = {0x45, 0, 0, 60, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};
  f.insert(f.end(), ip, ip + 20);
  const std::uint8_t tcp[40] = {
      0xc1, 0x1a, 0x23, 0x8c,  // 49434 -> 9100
      0x2d, 0xe1, 0x6e, 0xf4,  // seq 769748724
      0, 0, 0, 0,              // ack
      0xa0, 0x02, 0xff, 0xd7,  // doff 10, SYN, win 65495
      0, 0, 0, 0,              // checksum, urgent
      2, 4, 0xff, 0xd7,        // mss 65495
      4, 2,                    // sackOK
      8, 10, 0, 0, 0, 7, 0, 0, 0, 0,  // TS val 7 ecr 0
      1,                       // nop
      3, 3, 7,                 // wscale 7
  };
  f.insert(f.end(), tcp, tcp + 40);
  return f;
}

TEST(PacketParse, LoopbackSynWithAllHandshakeOptions) {
  const std::vector<std::uint8_t> f = syn_frame();
  const auto p = parse_ethernet_frame(f);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->src_addr, "127.0.0.1");
  EXPECT_EQ(p->src_port, 49434);
  EXPECT_EQ(p->dst_port, 9100);
  EXPECT_EQ(p->seq, 769748724u);
  EXPECT_EQ(p->flags, outcome::kSyn);
  EXPECT_EQ(p->window, 65495);
  EXPECT_EQ(p->length, 0u);
  EXPECT_EQ(p->options.mss, 65495);
  EXPECT_TRUE(p->options.sack_permitted);
  EXPECT_TRUE(p->options.has_timestamp);
  EXPECT_EQ(p->options.ts_val, 7u);
  EXPECT_EQ(p->options.ts_ecr, 0u);
  EXPECT_EQ(p->options.wscale, 7);
}

TEST(PacketParse, PayloadLengthComesFromTheIpHeaderWhenTheCaptureIsTruncated) {
  std::vector<std::uint8_t> f = syn_frame();
  f[14 + 3] = 65;  // total length 65: 5 payload bytes the capture did not keep
  f[14 + 20 + 13] = 0x18;  // PSH ACK
  const auto p = parse_ethernet_frame(f);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->length, 5u);
  EXPECT_EQ(p->flags, outcome::kPsh | outcome::kAck);
}

TEST(PacketParse, SackBlocks) {
  outcome::TcpOptions o;
  const std::uint8_t opts[] = {1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2};
  parse_tcp_options(opts, o);
  ASSERT_EQ(o.sack.size(), 1u);
  EXPECT_EQ(o.sack[0].left, 1u);
  EXPECT_EQ(o.sack[0].right, 2u);
}

TEST(PacketParse, MalformedOptionsStopTheParseWithoutReadingPastTheEnd) {
  outcome::TcpOptions o;
  const std::uint8_t opts[] = {2, 4, 0x05, 0xb4, 8, 40, 1, 2};  // TS claims 40 bytes
  parse_tcp_options(opts, o);
  EXPECT_EQ(o.mss, 1460);
  EXPECT_FALSE(o.has_timestamp);
}

TEST(PacketParse, NotTcpOrCutShortIsRejected) {
  std::vector<std::uint8_t> f = syn_frame();
  std::vector<std::uint8_t> udp = f;
  udp[14 + 9] = 17;
  EXPECT_FALSE(parse_ethernet_frame(udp));
  std::vector<std::uint8_t> arp = f;
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(parse_ethernet_frame(arp));
  EXPECT_FALSE(parse_ethernet_frame(std::span<const std::uint8_t>(f.data(), 14 + 20 + 10)));
  std::vector<std::uint8_t> frag = f;
  frag[14 + 6] = 0x20;  // more fragments
  EXPECT_FALSE(parse_ethernet_frame(frag));
}

}  // namespace
}  // namespace synsim::kernel
