#include "sim/report/pcap.h"

#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/report/wire.h"

namespace synsim::report {

namespace {

constexpr std::uint32_t kPcapMagic = 0xa1b2c3d4;  // microsecond timestamps
constexpr std::uint16_t kPcapVersionMajor = 2;
constexpr std::uint16_t kPcapVersionMinor = 4;
constexpr std::uint32_t kSnapLen = 65535;
constexpr std::uint32_t kLinkTypeRaw = 101;       // LINKTYPE_RAW: starts at the IP header
constexpr std::size_t kIpHeaderBytes = 20;        // IHL 5
constexpr std::size_t kTcpHeaderBytes = 20;       // without options
constexpr std::uint8_t kIpProtoTcp = 6;
constexpr std::uint8_t kTtl = 64;                 // net.ipv4.ip_default_ttl
constexpr std::uint16_t kDontFragment = 0x4000;   // Linux sets DF on TCP (PMTU discovery)

void le16(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}
void le32(std::string& out, std::uint32_t v) {
  le16(out, v & 0xffff);
  le16(out, v >> 16);
}
void be16(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}
void be32(std::string& out, std::uint32_t v) {
  be16(out, v >> 16);
  be16(out, v & 0xffff);
}

// RFC 1071 one's complement sum of 16-bit big-endian words (odd byte padded).
std::uint32_t sum_words(const std::string& bytes, std::size_t from, std::size_t to, std::uint32_t sum = 0) {
  std::size_t i = from;
  for (; i + 1 < to; i += 2) {
    sum += (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 8) | static_cast<unsigned char>(bytes[i + 1]);
  }
  if (i < to) sum += std::uint32_t{static_cast<unsigned char>(bytes[i])} << 8;
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}
void patch_be16(std::string& bytes, std::size_t at, std::uint16_t v) {
  bytes[at] = static_cast<char>(v >> 8);
  bytes[at + 1] = static_cast<char>(v & 0xff);
}

std::uint32_t address_of(const std::string& text, std::size_t index) {
  auto a = parse_ipv4(text);
  if (!a) throw std::runtime_error(fmt::format("pcap: packet {}: address '{}' is not IPv4", index, text));
  return *a;
}

// One datagram: IPv4 header, TCP header with options, zero payload.
std::string datagram(const outcome::Packet& p, std::size_t index, std::uint16_t ip_id) {
  const std::uint32_t src = address_of(p.src_addr, index);
  const std::uint32_t dst = address_of(p.dst_addr, index);
  const std::string options = encode_tcp_options(p.options);
  if (options.size() > kMaxTcpOptionBytes) {
    throw std::runtime_error(
        fmt::format("pcap: packet {}: {} bytes of TCP options (at most {})", index, options.size(), kMaxTcpOptionBytes));
  }
  const std::size_t tcp_bytes = kTcpHeaderBytes + options.size() + p.length;
  const std::size_t total = kIpHeaderBytes + tcp_bytes;
  if (total > 65535) {
    throw std::runtime_error(fmt::format("pcap: packet {}: {} bytes of payload do not fit an IPv4 datagram", index, p.length));
  }

  std::string d;
  d.reserve(total);
  // RFC 791 section 3.1.
  d.push_back(0x45);  // version 4, IHL 5
  d.push_back(0);     // TOS
  be16(d, static_cast<std::uint32_t>(total));
  be16(d, ip_id);
  be16(d, kDontFragment);
  d.push_back(static_cast<char>(kTtl));
  d.push_back(static_cast<char>(kIpProtoTcp));
  be16(d, 0);  // header checksum, patched below
  be32(d, src);
  be32(d, dst);
  patch_be16(d, 10, fold(sum_words(d, 0, kIpHeaderBytes)));

  // RFC 9293 section 3.1.
  const std::size_t tcp = d.size();
  be16(d, p.src_port);
  be16(d, p.dst_port);
  be32(d, p.seq);
  be32(d, p.ack);
  d.push_back(static_cast<char>(((kTcpHeaderBytes + options.size()) / 4) << 4));  // data offset
  d.push_back(static_cast<char>(p.flags));
  be16(d, p.window);
  be16(d, 0);  // checksum, patched below
  be16(d, 0);  // urgent pointer
  d += options;
  d.append(p.length, '\0');

  // Pseudo-header: source, destination, zero, protocol, TCP length.
  std::uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + kIpProtoTcp +
                      static_cast<std::uint32_t>(tcp_bytes);
  patch_be16(d, tcp + 16, fold(sum_words(d, tcp, d.size(), sum)));
  return d;
}

}  // namespace

std::string render_pcap(const outcome::Outcome& outcome) {
  std::string out;
  le32(out, kPcapMagic);
  le16(out, kPcapVersionMajor);
  le16(out, kPcapVersionMinor);
  le32(out, 0);  // thiszone
  le32(out, 0);  // sigfigs
  le32(out, kSnapLen);
  le32(out, kLinkTypeRaw);

  std::uint16_t ip_id = 1;
  for (std::size_t i = 0; i < outcome.packets.size(); ++i) {
    const auto& p = outcome.packets[i];
    const std::int64_t t_ns = to_ns(p.time);
    if (t_ns < 0) throw std::runtime_error(fmt::format("pcap: packet {}: time before the run's start", i));
    const std::int64_t t_us = t_ns / 1000;
    std::string d = datagram(p, i, ip_id++);
    le32(out, static_cast<std::uint32_t>(t_us / 1000000));
    le32(out, static_cast<std::uint32_t>(t_us % 1000000));
    le32(out, static_cast<std::uint32_t>(d.size()));  // captured
    le32(out, static_cast<std::uint32_t>(d.size()));  // on the wire
    out += d;
  }
  return out;
}

}  // namespace synsim::report
