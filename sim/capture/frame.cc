#include "sim/capture/frame.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <fmt/format.h>

namespace synsim::capture {

namespace {

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
void copy_address(const std::uint8_t* p, std::size_t n, IpAddress& a) {
  std::copy(p, p + n, a.bytes.begin());
  a.version = n == 4 ? 4 : 6;
}

constexpr std::uint8_t kIpProtoTcp = 6;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q
constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad
constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kSllHeader = 16;
constexpr std::size_t kSll2Header = 20;
constexpr std::size_t kIpv6Header = 40;

Decoded other(std::string why) { return Decoded{Decoded::Kind::other, std::nullopt, std::move(why)}; }
Decoded malformed(std::string why) { return Decoded{Decoded::Kind::malformed, std::nullopt, std::move(why)}; }

const char* ip_protocol_name(std::uint8_t p) {
  switch (p) {
    case 1: return "ICMP";
    case 17: return "UDP";
    case 58: return "ICMPv6";
    case 132: return "SCTP";
    default: return nullptr;
  }
}
Decoded not_tcp(std::uint8_t protocol) {
  const char* name = ip_protocol_name(protocol);
  return other(name ? std::string(name) : fmt::format("IP protocol {}", protocol));
}

// The TCP header at `t` (`avail` bytes captured), `tcp_bytes` long on the wire.
Decoded decode_tcp(const std::uint8_t* t, std::size_t avail, std::size_t tcp_bytes, WireSegment& p) {
  if (avail < 20 || tcp_bytes < 20) {
    return malformed(fmt::format("TCP header cut short: {} of 20 bytes", std::min(avail, tcp_bytes)));
  }
  const std::size_t doff = static_cast<std::size_t>(t[12] >> 4) * 4;
  if (doff < 20) return malformed(fmt::format("TCP data offset {} bytes (at least 20)", doff));
  if (tcp_bytes < doff) {
    return malformed(fmt::format("TCP header of {} bytes in a segment of {} (IP length)", doff, tcp_bytes));
  }
  if (avail < doff) return malformed(fmt::format("TCP header cut short: {} of {} bytes", avail, doff));
  p.src_port = be16(t);
  p.dst_port = be16(t + 2);
  p.seq = be32(t + 4);
  p.ack = be32(t + 8);
  p.flags = static_cast<std::uint8_t>(t[13] & 0x1f);  // FIN SYN RST PSH ACK (URG/ECE/CWR not kept)
  p.window = be16(t + 14);
  p.length = static_cast<std::uint32_t>(tcp_bytes - doff);
  parse_wire_options(t + 20, doff - 20, p);
  return Decoded{Decoded::Kind::tcp, std::nullopt, {}};
}

Decoded decode_ipv4(std::span<const std::uint8_t> b, WireSegment& p) {
  if (b.size() < 20) return malformed(fmt::format("IPv4 header cut short: {} of 20 bytes", b.size()));
  const std::size_t ihl = static_cast<std::size_t>(b[0] & 0x0f) * 4;
  if (ihl < 20) return malformed(fmt::format("IPv4 header length {} bytes (at least 20)", ihl));
  if (b.size() < ihl) return malformed(fmt::format("IPv4 header cut short: {} of {} bytes", b.size(), ihl));
  const std::uint16_t total = be16(&b[2]);
  if (total < ihl) return malformed(fmt::format("IPv4 total length {} shorter than its header ({})", total, ihl));
  const std::uint16_t frag = be16(&b[6]);
  if (b[9] != kIpProtoTcp) return not_tcp(b[9]);
  if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0) return other("IPv4 fragment");
  copy_address(&b[12], 4, p.src);
  copy_address(&b[16], 4, p.dst);
  return decode_tcp(b.data() + ihl, b.size() - ihl, total - ihl, p);
}

Decoded decode_ipv6(std::span<const std::uint8_t> b, WireSegment& p) {
  if (b.size() < kIpv6Header) return malformed(fmt::format("IPv6 header cut short: {} of 40 bytes", b.size()));
  std::size_t payload = be16(&b[4]);  // bytes after the fixed header (0: jumbogram, not on TCP here)
  std::uint8_t next = b[6];
  std::size_t at = kIpv6Header;
  // Extension headers (RFC 8200 §4): hop-by-hop, routing, destination
  // options are skipped; a fragment is TCP only when it is the first and
  // whole, which a host's own capture never splits (PMTU discovery).
  for (int hops = 0; hops < 8; ++hops) {
    if (next != 0 && next != 43 && next != 60 && next != 44) break;
    if (b.size() < at + 8) return malformed("IPv6 extension header cut short");
    if (next == 44) return other("IPv6 fragment");
    const std::size_t len = (static_cast<std::size_t>(b[at + 1]) + 1) * 8;
    if (payload < len) return malformed("IPv6 extension header longer than the payload");
    next = b[at];
    at += len;
    payload -= len;
  }
  if (next != kIpProtoTcp) return not_tcp(next);
  copy_address(&b[8], 16, p.src);
  copy_address(&b[24], 16, p.dst);
  if (b.size() < at) return malformed("IPv6 extension headers cut short");
  return decode_tcp(b.data() + at, b.size() - at, payload, p);
}

// The IP packet after a header whose EtherType-style protocol field says what it is.
Decoded by_ethertype(std::uint16_t type, std::span<const std::uint8_t> rest, WireSegment& w) {
  if (type == kEtherTypeIpv4 || type == kEtherTypeIpv6) return decode_ip(rest, w);
  if (type == 0x0806) return other("ARP");
  return other(fmt::format("EtherType 0x{:04x}", type));
}

Decoded by_address_family(std::uint32_t family, std::span<const std::uint8_t> rest, WireSegment& w) {
  // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD, OpenBSD),
  // 28 (FreeBSD), 30 (macOS).
  if (family == 2 || family == 10 || family == 24 || family == 28 || family == 30) return decode_ip(rest, w);
  return other(fmt::format("address family {}", family));
}

}  // namespace

const char* to_string(LinkType t) {
  switch (t) {
    case LinkType::null_bsd: return "NULL (BSD loopback)";
    case LinkType::loop: return "LOOP";
    case LinkType::ethernet: return "Ethernet";
    case LinkType::raw: return "raw IP";
    case LinkType::linux_sll: return "Linux cooked (SLL)";
    case LinkType::linux_sll2: return "Linux cooked v2 (SLL2)";
  }
  return "?";
}

void parse_wire_options(const std::uint8_t* o, std::size_t size, WireSegment& out) {
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t kind = o[i];
    if (kind == 0) return;  // EOL
    if (kind == 1) {        // NOP
      ++i;
      continue;
    }
    if (i + 1 >= size) return;
    const std::uint8_t len = o[i + 1];
    if (len < 2 || i + len > size) return;
    const std::uint8_t* p = o + i + 2;
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
        for (std::size_t b = 0; b + 8 <= static_cast<std::size_t>(len - 2) && out.sack_blocks < out.sack.size();
             b += 8) {
          out.sack[out.sack_blocks++] = outcome::SackBlock{be32(p + b), be32(p + b + 4)};
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

void parse_tcp_options(std::span<const std::uint8_t> o, outcome::TcpOptions& out) {
  WireSegment w;
  parse_wire_options(o.data(), o.size(), w);
  copy_options(w, out);
}

void copy_options(const WireSegment& w, outcome::TcpOptions& out) {
  if (w.mss != 0) out.mss = w.mss;
  if (w.wscale >= 0) out.wscale = w.wscale;
  out.sack_permitted = out.sack_permitted || w.sack_permitted;
  if (w.has_timestamp) {
    out.has_timestamp = true;
    out.ts_val = w.ts_val;
    out.ts_ecr = w.ts_ecr;
  }
  out.sack.insert(out.sack.end(), w.sack.begin(), w.sack.begin() + w.sack_blocks);
}

std::string to_string(const IpAddress& a) {
  if (a.version == 4) return fmt::format("{}.{}.{}.{}", a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]);
  // RFC 5952 text, as tcpdump prints it ("::1").
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, a.bytes.data(), text, sizeof text);
  return text;
}

outcome::Packet to_packet(const WireSegment& w) {
  outcome::Packet p;
  p.src_addr = to_string(w.src);
  p.dst_addr = to_string(w.dst);
  fill_packet(w, p);
  return p;
}

void fill_packet(const WireSegment& w, outcome::Packet& p) {
  p.src_port = w.src_port;
  p.dst_port = w.dst_port;
  p.flags = w.flags;
  p.seq = w.seq;
  p.ack = w.ack;
  p.window = w.window;
  p.length = w.length;
  p.options.mss = 0;
  p.options.wscale = -1;
  p.options.sack_permitted = false;
  p.options.has_timestamp = false;
  p.options.ts_val = p.options.ts_ecr = 0;
  p.options.sack.clear();
  copy_options(w, p.options);
}

Decoded decode_ip(std::span<const std::uint8_t> b, WireSegment& w) {
  if (b.empty()) return malformed("no IP header");
  switch (b[0] >> 4) {
    case 4: return decode_ipv4(b, w);
    case 6: return decode_ipv6(b, w);
    default: return malformed(fmt::format("IP version {}", b[0] >> 4));
  }
}

Decoded decode_frame(LinkType link, std::span<const std::uint8_t> f, WireSegment& w) {
  switch (link) {
    case LinkType::raw: return decode_ip(f, w);
    case LinkType::null_bsd:
    case LinkType::loop: {
      if (f.size() < 4) return malformed(fmt::format("loopback header cut short: {} of 4 bytes", f.size()));
      std::uint32_t family = link == LinkType::loop ? be32(f.data()) : 0;
      if (link == LinkType::null_bsd) {
        // The capturing host's byte order: whichever reading is a small number.
        const std::uint32_t little = static_cast<std::uint32_t>(f[0]) | static_cast<std::uint32_t>(f[1]) << 8 |
                                     static_cast<std::uint32_t>(f[2]) << 16 | static_cast<std::uint32_t>(f[3]) << 24;
        family = little < 256 ? little : be32(f.data());
      }
      return by_address_family(family, f.subspan(4), w);
    }
    case LinkType::ethernet: {
      if (f.size() < kEthernetHeader) {
        return malformed(fmt::format("Ethernet header cut short: {} of 14 bytes", f.size()));
      }
      std::size_t at = 12;
      std::uint16_t type = be16(&f[at]);
      while ((type == kEtherTypeVlan || type == kEtherTypeQinQ) && f.size() >= at + 6) {
        at += 4;
        type = be16(&f[at]);
      }
      return by_ethertype(type, f.subspan(at + 2), w);
    }
    case LinkType::linux_sll:
      if (f.size() < kSllHeader) return malformed(fmt::format("SLL header cut short: {} of 16 bytes", f.size()));
      return by_ethertype(be16(&f[14]), f.subspan(kSllHeader), w);
    case LinkType::linux_sll2:
      if (f.size() < kSll2Header) return malformed(fmt::format("SLL2 header cut short: {} of 20 bytes", f.size()));
      return by_ethertype(be16(&f[0]), f.subspan(kSll2Header), w);
  }
  return malformed("unknown link type");
}

namespace {
Decoded with_packet(Decoded d, const WireSegment& w) {
  if (d.kind == Decoded::Kind::tcp) d.packet = to_packet(w);
  return d;
}
}  // namespace

Decoded decode_ip(std::span<const std::uint8_t> b) {
  WireSegment w;
  return with_packet(decode_ip(b, w), w);
}

Decoded decode_frame(LinkType link, std::span<const std::uint8_t> f) {
  WireSegment w;
  return with_packet(decode_frame(link, f, w), w);
}

std::optional<outcome::Packet> parse_ipv4_tcp(std::span<const std::uint8_t> b) {
  Decoded d = decode_ip(b);
  return d.kind == Decoded::Kind::tcp ? std::move(d.packet) : std::nullopt;
}

std::optional<outcome::Packet> parse_ethernet_frame(std::span<const std::uint8_t> frame) {
  Decoded d = decode_frame(LinkType::ethernet, frame);
  return d.kind == Decoded::Kind::tcp ? std::move(d.packet) : std::nullopt;
}

}  // namespace synsim::capture
