// Decoding captured frames: link layers, IPv4, IPv6, TCP, options as tcpdump
// prints them; what is not TCP and what is cut short, each said.
#include <gtest/gtest.h>

#include <vector>

#include "sim/capture/frame.h"

namespace synsim::capture {
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

// The same SYN over IPv6 (::1 -> ::1), after a header of `link`.
std::vector<std::uint8_t> ipv6_syn() {
  const std::vector<std::uint8_t> v4 = syn_frame();
  std::vector<std::uint8_t> ip(40, 0);
  ip[0] = 0x60;
  ip[5] = 40;  // payload length: the TCP header
  ip[6] = 6;   // next header TCP
  ip[7] = 64;
  ip[23] = 1;  // ::1
  ip[39] = 1;  // ::1
  ip.insert(ip.end(), v4.begin() + 14 + 20, v4.end());
  return ip;
}

std::vector<std::uint8_t> with_header(std::vector<std::uint8_t> header, const std::vector<std::uint8_t>& ip) {
  header.insert(header.end(), ip.begin(), ip.end());
  return header;
}

TEST(FrameDecode, Ipv6SynAfterEveryLinkLayer) {
  const std::vector<std::uint8_t> ip = ipv6_syn();
  std::vector<std::uint8_t> eth(14, 0);
  eth[12] = 0x86;
  eth[13] = 0xdd;
  std::vector<std::uint8_t> sll(16, 0);
  sll[14] = 0x86;
  sll[15] = 0xdd;
  std::vector<std::uint8_t> sll2(20, 0);
  sll2[0] = 0x86;
  sll2[1] = 0xdd;
  const std::vector<std::uint8_t> null_le = {10, 0, 0, 0};  // AF_INET6 on Linux, little-endian host
  const std::vector<std::uint8_t> loop = {0, 0, 0, 24};     // AF_INET6 on OpenBSD, big-endian
  const std::pair<LinkType, std::vector<std::uint8_t>> frames[] = {
      {LinkType::raw, ip},
      {LinkType::ethernet, with_header(eth, ip)},
      {LinkType::linux_sll, with_header(sll, ip)},
      {LinkType::linux_sll2, with_header(sll2, ip)},
      {LinkType::null_bsd, with_header(null_le, ip)},
      {LinkType::loop, with_header(loop, ip)},
  };
  for (const auto& [link, frame] : frames) {
    const Decoded d = decode_frame(link, frame);
    ASSERT_EQ(d.kind, Decoded::Kind::tcp) << to_string(link) << ": " << d.why;
    EXPECT_EQ(d.packet->src_addr, "::1") << to_string(link);
    EXPECT_EQ(d.packet->dst_port, 9100) << to_string(link);
    EXPECT_EQ(d.packet->flags, outcome::kSyn) << to_string(link);
    EXPECT_EQ(d.packet->options.wscale, 7) << to_string(link);
    EXPECT_EQ(d.packet->length, 0u) << to_string(link);
  }
}

TEST(FrameDecode, Ipv6ExtensionHeadersAreSkipped) {
  std::vector<std::uint8_t> ip = ipv6_syn();
  // A hop-by-hop header (8 bytes) before TCP.
  const std::uint8_t hop[8] = {6, 0, 1, 4, 0, 0, 0, 0};
  ip.insert(ip.begin() + 40, hop, hop + 8);
  ip[5] = 48;
  ip[6] = 0;
  const Decoded d = decode_ip(ip);
  ASSERT_EQ(d.kind, Decoded::Kind::tcp) << d.why;
  EXPECT_EQ(d.packet->src_port, 49434);
  EXPECT_EQ(d.packet->length, 0u);
}

TEST(FrameDecode, VlanTaggedEthernet) {
  std::vector<std::uint8_t> f = syn_frame();
  const std::uint8_t tag[4] = {0x81, 0x00, 0x00, 0x05};
  f.insert(f.begin() + 12, tag, tag + 4);
  const Decoded d = decode_frame(LinkType::ethernet, f);
  ASSERT_EQ(d.kind, Decoded::Kind::tcp) << d.why;
  EXPECT_EQ(d.packet->dst_port, 9100);
}

TEST(FrameDecode, NotTcpIsNamedAndCutShortSaysWhere) {
  std::vector<std::uint8_t> f = syn_frame();
  f[14 + 9] = 17;
  Decoded d = decode_frame(LinkType::ethernet, f);
  EXPECT_EQ(d.kind, Decoded::Kind::other);
  EXPECT_EQ(d.why, "UDP");
  f = syn_frame();
  f[12] = 0x08;
  f[13] = 0x06;
  d = decode_frame(LinkType::ethernet, f);
  EXPECT_EQ(d.kind, Decoded::Kind::other);
  EXPECT_EQ(d.why, "ARP");
  f = syn_frame();
  d = decode_frame(LinkType::ethernet, std::span<const std::uint8_t>(f.data(), 14 + 20 + 30));
  EXPECT_EQ(d.kind, Decoded::Kind::malformed);
  EXPECT_EQ(d.why, "TCP header cut short: 30 of 40 bytes");
  d = decode_frame(LinkType::linux_sll2, std::span<const std::uint8_t>(f.data(), 12));
  EXPECT_EQ(d.kind, Decoded::Kind::malformed);
  EXPECT_EQ(d.why, "SLL2 header cut short: 12 of 20 bytes");
  f = syn_frame();
  f[14] = 0x75;  // IP version 7
  d = decode_frame(LinkType::ethernet, f);
  EXPECT_EQ(d.kind, Decoded::Kind::malformed);
  EXPECT_EQ(d.why, "IP version 7");
}

}  // namespace
}  // namespace synsim::capture
