#include "sim/kernel/packet.h"

#include <fmt/format.h>

namespace synsim::kernel {

namespace {

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
std::string dotted(const std::uint8_t* p) { return fmt::format("{}.{}.{}.{}", p[0], p[1], p[2], p[3]); }

constexpr std::uint8_t kIpProtoTcp = 6;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::size_t kEthernetHeader = 14;

}  // namespace

void parse_tcp_options(std::span<const std::uint8_t> o, outcome::TcpOptions& out) {
  std::size_t i = 0;
  while (i < o.size()) {
    const std::uint8_t kind = o[i];
    if (kind == 0) return;  // EOL
    if (kind == 1) {        // NOP
      ++i;
      continue;
    }
    if (i + 1 >= o.size()) return;
    const std::uint8_t len = o[i + 1];
    if (len < 2 || i + len > o.size()) return;
    const std::uint8_t* p = o.data() + i + 2;
    switch (kind) {
      case 2:  // MSS
        if (len == 4) out.mss = be16(p);
        break;
      case 3:  // window scale
        if (len == 3) out.wscale = p[0];
        break;
      case 4:  // SACK permitted
        if (len == 2) out.sack_permitted = true;
        break;
      case 5:  // SACK blocks
        for (std::size_t b = 0; b + 8 <= static_cast<std::size_t>(len - 2); b += 8) {
          out.sack.push_back(outcome::SackBlock{be32(p + b), be32(p + b + 4)});
        }
        break;
      case 8:  // timestamps
        if (len == 10) {
          out.has_timestamp = true;
          out.ts_val = be32(p);
          out.ts_ecr = be32(p + 4);
        }
        break;
      default:
        break;  // an option tcpdump would print raw; the outcome has no field for it
    }
    i += len;
  }
}

std::optional<outcome::Packet> parse_ipv4_tcp(std::span<const std::uint8_t> b) {
  if (b.size() < 20) return std::nullopt;
  if ((b[0] >> 4) != 4) return std::nullopt;
  const std::size_t ihl = static_cast<std::size_t>(b[0] & 0x0f) * 4;
  if (ihl < 20 || b.size() < ihl + 20) return std::nullopt;
  const std::uint16_t total = be16(&b[2]);
  const std::uint16_t frag = be16(&b[6]);
  if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0) return std::nullopt;  // fragment
  if (b[9] != kIpProtoTcp) return std::nullopt;
  const std::uint8_t* t = b.data() + ihl;
  const std::size_t doff = static_cast<std::size_t>(t[12] >> 4) * 4;
  if (doff < 20 || total < ihl + doff || b.size() < ihl + doff) return std::nullopt;
  outcome::Packet p;
  p.src_addr = dotted(&b[12]);
  p.dst_addr = dotted(&b[16]);
  p.src_port = be16(t);
  p.dst_port = be16(t + 2);
  p.seq = be32(t + 4);
  p.ack = be32(t + 8);
  p.flags = static_cast<std::uint8_t>(t[13] & 0x1f);  // FIN SYN RST PSH ACK (URG/ECE/CWR not kept)
  p.window = be16(t + 14);
  p.length = static_cast<std::uint32_t>(total - ihl - doff);
  parse_tcp_options(std::span<const std::uint8_t>(t + 20, doff - 20), p.options);
  return p;
}

std::optional<outcome::Packet> parse_ethernet_frame(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernetHeader) return std::nullopt;
  if (be16(&frame[12]) != kEtherTypeIpv4) return std::nullopt;
  return parse_ipv4_tcp(frame.subspan(kEthernetHeader));
}

}  // namespace synsim::kernel
