// pcap and pcapng read through libpcap: link types, time precision, and
// truncated, corrupt or TCP-less files refused with the packet named.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/capture/pcap_file.h"

namespace synsim::capture {
namespace {

void le16(std::string& s, std::uint32_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8 & 0xff));
}
void le32(std::string& s, std::uint32_t v) {
  le16(s, v & 0xffff);
  le16(s, v >> 16);
}

// An IPv4 SYN 127.0.0.1:49434 -> 127.0.0.1:9100 with [mss 65495], 24 bytes of TCP.
std::string ipv4_syn() {
  const std::uint8_t ip[44] = {0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
                               0xc1, 0x1a, 0x23, 0x8c, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xd7,
                               0, 0, 0, 0, 2, 4, 0xff, 0xd7};
  return std::string(reinterpret_cast<const char*>(ip), sizeof ip);
}

std::string pcap_header(std::uint32_t magic, std::uint32_t linktype) {
  std::string s;
  le32(s, magic);
  le16(s, 2);
  le16(s, 4);
  le32(s, 0);
  le32(s, 0);
  le32(s, 65535);
  le32(s, linktype);
  return s;
}

std::string record(std::uint32_t sec, std::uint32_t frac, const std::string& data, std::uint32_t caplen,
                   std::uint32_t len) {
  std::string s;
  le32(s, sec);
  le32(s, frac);
  le32(s, caplen);
  le32(s, len);
  return s + data;
}

std::string error_of(const std::string& bytes) {
  try {
    read_pcap_bytes(bytes, "x.pcap");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PcapFile, RawIpv4WithMicroAndNanosecondTimes) {
  const std::string syn = ipv4_syn();
  Input in = read_pcap_bytes(pcap_header(0xa1b2c3d4, 101) + record(7, 250, syn, 44, 44), "x.pcap");
  ASSERT_EQ(in.segments.size(), 1u);
  EXPECT_EQ(in.format, "pcap");
  EXPECT_EQ(in.segments[0].ns, 7'000'250'000);
  EXPECT_EQ(in.segments[0].packet.seq, 1000u);
  EXPECT_EQ(in.segments[0].packet.options.mss, 65495);
  in = read_pcap_bytes(pcap_header(0xa1b23c4d, 101) + record(7, 250, syn, 44, 44), "x.pcap");
  EXPECT_EQ(in.segments.at(0).ns, 7'000'000'250);
}

TEST(PcapFile, EthernetAndSllLinkTypes) {
  std::string eth(12, '\0');
  eth += std::string("\x08\x00", 2);
  Input in = read_pcap_bytes(pcap_header(0xa1b2c3d4, 1) + record(1, 0, eth + ipv4_syn(), 58, 58), "x.pcap");
  EXPECT_EQ(in.segments.at(0).packet.dst_port, 9100);
  std::string sll(14, '\0');
  sll += std::string("\x08\x00", 2);
  in = read_pcap_bytes(pcap_header(0xa1b2c3d4, 113) + record(1, 0, sll + ipv4_syn(), 60, 60), "x.pcap");
  EXPECT_EQ(in.segments.at(0).packet.dst_port, 9100);
}

// pcapng, as tcpdump 4.99 -i any writes it: SLL2 frames in enhanced packet blocks.
TEST(PcapFile, PcapngWithSll2) {
  std::string s;
  le32(s, 0x0a0d0d0a);  // section header block
  le32(s, 28);
  le32(s, 0x1a2b3c4d);
  le16(s, 1);
  le16(s, 0);
  le32(s, 0xffffffff);
  le32(s, 0xffffffff);
  le32(s, 28);
  le32(s, 1);  // interface description block
  le32(s, 20);
  le16(s, 276);  // LINKTYPE_LINUX_SLL2
  le16(s, 0);
  le32(s, 262144);
  le32(s, 20);
  std::string frame("\x08\x00", 2);
  frame += std::string(18, '\0');
  frame += ipv4_syn();  // 64 bytes: a multiple of 4
  le32(s, 6);  // enhanced packet block
  le32(s, 32 + static_cast<std::uint32_t>(frame.size()));
  le32(s, 0);
  le32(s, 0);          // timestamp high (microseconds)
  le32(s, 3'000'001);  // timestamp low
  le32(s, static_cast<std::uint32_t>(frame.size()));
  le32(s, static_cast<std::uint32_t>(frame.size()));
  s += frame;
  le32(s, 32 + static_cast<std::uint32_t>(frame.size()));
  const Input in = read_pcap_bytes(s, "x.pcapng");
  EXPECT_EQ(in.format, "pcapng");
  ASSERT_EQ(in.segments.size(), 1u);
  EXPECT_EQ(in.segments[0].ns, 3'000'001'000);
  EXPECT_EQ(in.segments[0].packet.src_port, 49434);
}

TEST(PcapFile, TruncatedCorruptAndTcpLessFilesAreRefusedNamingThePacket) {
  const std::string syn = ipv4_syn();
  const std::string head = pcap_header(0xa1b2c3d4, 101);
  // The second record says 44 bytes, the file ends after 10.
  EXPECT_EQ(error_of(head + record(1, 0, syn, 44, 44) + record(2, 0, syn.substr(0, 10), 44, 44)).substr(0, 29),
            "x.pcap: packet 2: truncated d");
  EXPECT_EQ(error_of(head + record(1, 0, syn.substr(0, 30), 30, 44)),
            "x.pcap: packet 1: TCP header cut short: 10 of 20 bytes (raw IP link layer, 30 of 44 bytes captured)");
  EXPECT_EQ(error_of(head.substr(0, 10)).substr(0, 42), "x.pcap: not a readable pcap or pcapng file");
  std::string udp = syn;
  udp[9] = 17;
  EXPECT_EQ(error_of(head + record(1, 0, udp, 44, 44)),
            "x.pcap: no TCP segment in the capture (1 packets, first: not TCP: UDP)");
  EXPECT_EQ(error_of(pcap_header(0xa1b2c3d4, 147) + record(1, 0, syn, 44, 44)).substr(0, 31),
            "x.pcap: link type 147 (unknown)");
  const Input in = read_pcap_bytes(head + record(1, 0, udp, 44, 44) + record(2, 0, syn, 44, 44), "x.pcap");
  ASSERT_EQ(in.skipped.size(), 1u);
  EXPECT_EQ(in.skipped[0].where, "packet 1");
  EXPECT_EQ(in.skipped[0].why, "not TCP: UDP");
}

}  // namespace
}  // namespace synsim::capture
