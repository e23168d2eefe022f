#include "sim/kernel/pkt_frame.h"

#include <fmt/format.h>

#include "sim/capture/frame.h"

namespace synsim::kernel {

namespace {

using packetdrill::OptionKind;
using packetdrill::TcpOption;

void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  put16(b, at, v >> 16);
  put16(b, at + 2, v & 0xffff);
}

void push32(std::vector<std::uint8_t>& o, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) o.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The option list in the line's order (tcp_options.c in packetdrill writes
// them as the script lists them, so does this). Sequence numbers in SACK
// blocks are relative to the local kernel's ISN (the data it sent).
std::vector<std::uint8_t> option_bytes(const std::vector<TcpOption>& options, const PktNumbers& n) {
  std::vector<std::uint8_t> o;
  for (const TcpOption& t : options) {
    switch (t.kind) {
      case OptionKind::nop: o.push_back(1); break;
      case OptionKind::eol: o.push_back(0); break;
      case OptionKind::mss:
        o.insert(o.end(), {2, 4, static_cast<std::uint8_t>(t.a >> 8), static_cast<std::uint8_t>(t.a)});
        break;
      case OptionKind::sack_ok: o.insert(o.end(), {4, 2}); break;
      case OptionKind::timestamp:
        o.insert(o.end(), {8, 10});
        push32(o, t.a);
        push32(o, t.b == 0 ? 0 : n.local_ts);
        break;
      case OptionKind::wscale: o.insert(o.end(), {3, 3, static_cast<std::uint8_t>(t.a)}); break;
      case OptionKind::sack:
        o.push_back(5);
        o.push_back(static_cast<std::uint8_t>(2 + 8 * t.blocks.size()));
        for (const auto& [left, right] : t.blocks) {
          push32(o, n.local_isn + left);
          push32(o, n.local_isn + right);
        }
        break;
    }
  }
  while (o.size() % 4 != 0) o.push_back(0);  // EOL padding
  return o;
}

std::string dotted(std::uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

}  // namespace

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (bytes.size() % 2 != 0) sum += static_cast<std::uint32_t>(bytes.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::vector<std::uint8_t> build_inbound(const packetdrill::PacketEvent& p, PktEndpoint from, PktEndpoint to,
                                        const PktNumbers& n) {
  const std::vector<std::uint8_t> opts = p.options ? option_bytes(*p.options, n) : std::vector<std::uint8_t>{};
  constexpr std::size_t kIp = 20;
  const std::size_t tcp_len = 20 + opts.size() + p.len;
  std::vector<std::uint8_t> b(kIp + tcp_len, 0);
  // IPv4: no options, DF (as Linux sends TCP), TTL 64.
  b[0] = 0x45;
  put16(b, 2, static_cast<std::uint32_t>(b.size()));
  put16(b, 6, 0x4000);
  b[8] = 64;
  b[9] = 6;  // IPPROTO_TCP
  put32(b, 12, from.addr);
  put32(b, 16, to.addr);
  put16(b, 10, internet_checksum(std::span(b).first(kIp)));
  // TCP.
  put16(b, kIp, from.port);
  put16(b, kIp + 2, to.port);
  put32(b, kIp + 4, n.peer_isn + p.seq);
  put32(b, kIp + 8, (p.flags & packetdrill::kAck) ? n.local_isn + p.ack.value_or(0) : 0);
  b[kIp + 12] = static_cast<std::uint8_t>(((20 + opts.size()) / 4) << 4);
  b[kIp + 13] = p.flags;  // packetdrill's flag bits are TCP's (script.h)
  put16(b, kIp + 14, p.win.value_or(65535));
  std::copy(opts.begin(), opts.end(), b.begin() + kIp + 20);
  // The pseudo-header: addresses, protocol, TCP length (RFC 9293 §3.1).
  const std::uint32_t pseudo = (from.addr >> 16) + (from.addr & 0xffff) + (to.addr >> 16) + (to.addr & 0xffff) + 6 +
                               static_cast<std::uint32_t>(tcp_len);
  put16(b, kIp + 16, internet_checksum(std::span(b).subspan(kIp), pseudo));
  return b;
}

std::optional<PktOutbound> read_outbound(std::span<const std::uint8_t> bytes, PktEndpoint from, std::uint32_t to) {
  const std::optional<outcome::Packet> p = capture::parse_ipv4_tcp(bytes);
  if (!p || p->src_addr != dotted(from.addr) || p->dst_addr != dotted(to) || p->src_port != from.port) {
    return std::nullopt;
  }
  tcp::Segment s;
  s.flags = p->flags;  // outcome::TcpFlag and tcp::SegFlag share their bits
  s.seq = p->seq;
  s.ack = p->ack;
  s.len = p->length;
  s.window = p->window;
  s.mss = p->options.mss;
  s.sack_permitted = p->options.sack_permitted;
  s.wscale = static_cast<std::int8_t>(p->options.wscale);
  s.has_ts = p->options.has_timestamp;
  s.ts_val = p->options.ts_val;
  s.ts_ecr = p->options.ts_ecr;
  if (!p->options.sack.empty()) {
    s.has_sack = true;
    s.sack_left = p->options.sack.front().left;
    s.sack_right = p->options.sack.front().right;
  }
  return PktOutbound{s, p->dst_port};
}

}  // namespace synsim::kernel
