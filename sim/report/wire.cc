#include "sim/report/wire.h"

#include <charconv>

namespace synsim::report {

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    unsigned value = 0;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc{} || value > 255 || next - p > 3) return std::nullopt;
    p = next;
    address = (address << 8) | value;
  }
  if (p != end) return std::nullopt;
  return address;
}

namespace {

void put_kind(std::string& out, TcpOptionKind kind) { out.push_back(static_cast<char>(kind)); }
void put_u8(std::string& out, std::uint32_t v) { out.push_back(static_cast<char>(v & 0xff)); }
void put_be16(std::string& out, std::uint32_t v) {
  put_u8(out, v >> 8);
  put_u8(out, v);
}
void put_be32(std::string& out, std::uint32_t v) {
  put_be16(out, v >> 16);
  put_be16(out, v);
}

}  // namespace

std::string encode_tcp_options(const outcome::TcpOptions& o) {
  std::string out;
  if (o.mss != 0) {
    put_kind(out, TcpOptionKind::mss);
    put_u8(out, 4);  // TCPOLEN_MSS
    put_be16(out, o.mss);
  }
  if (o.has_timestamp) {
    if (o.sack_permitted) {
      put_kind(out, TcpOptionKind::sack_permitted);
      put_u8(out, 2);  // TCPOLEN_SACK_PERM
    } else {
      put_kind(out, TcpOptionKind::nop);
      put_kind(out, TcpOptionKind::nop);
    }
    put_kind(out, TcpOptionKind::timestamp);
    put_u8(out, 10);  // TCPOLEN_TIMESTAMP
    put_be32(out, o.ts_val);
    put_be32(out, o.ts_ecr);
  } else if (o.sack_permitted) {
    put_kind(out, TcpOptionKind::nop);
    put_kind(out, TcpOptionKind::nop);
    put_kind(out, TcpOptionKind::sack_permitted);
    put_u8(out, 2);
  }
  if (o.wscale >= 0) {
    put_kind(out, TcpOptionKind::nop);
    put_kind(out, TcpOptionKind::wscale);
    put_u8(out, 3);  // TCPOLEN_WINDOW
    put_u8(out, static_cast<std::uint32_t>(o.wscale));
  }
  if (!o.sack.empty()) {
    put_kind(out, TcpOptionKind::nop);
    put_kind(out, TcpOptionKind::nop);
    put_kind(out, TcpOptionKind::sack);
    put_u8(out, 2 + 8 * static_cast<std::uint32_t>(o.sack.size()));  // TCPOLEN_SACK_BASE + blocks
    for (const auto& block : o.sack) {
      put_be32(out, block.left);
      put_be32(out, block.right);
    }
  }
  return out;
}

}  // namespace synsim::report
