// What a Packet looks like on the wire: IPv4 addresses as numbers and TCP
// options as the bytes Linux would put in the header.
//
// Both the pcap writer and the tcpdump text renderer start from these bytes,
// so the text we print and the text `tcpdump -r capture.pcap` prints cannot
// drift apart: render_tcpdump() decodes the options the way tcpdump's
// print-tcp.c does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// TCP option kinds. RFC 9293 (EOL, NOP, MSS), RFC 7323 (WS, TS), RFC 2018 (SACK).
enum class TcpOptionKind : std::uint8_t {
  eol = 0,
  nop = 1,
  mss = 2,
  wscale = 3,
  sack_permitted = 4,
  sack = 5,
  timestamp = 8,
};

// The largest TCP options area: data offset 15 words minus the 20-byte header.
inline constexpr std::size_t kMaxTcpOptionBytes = 40;

// "127.0.0.1" -> 0x7f000001 (host order); nullopt for anything not a dotted quad.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);

// The options area of the TCP header, in the order Linux writes it.
// Linux: tcp_options_write(), net/ipv4/tcp_output.c:
//   mss                      kind 2, 4 bytes
//   sackOK + TS              kind 4 then kind 8, 12 bytes   (both present)
//   nop,nop,TS               12 bytes                       (TS without sackOK)
//   nop,nop,sackOK           4 bytes                        (sackOK without TS)
//   nop,wscale               4 bytes
//   nop,nop,sack N blocks    4 + 8N bytes
// Every group is a multiple of 4 bytes, so no padding is ever needed. The
// result may exceed kMaxTcpOptionBytes for an impossible option set; callers
// that build a header must check.
std::string encode_tcp_options(const outcome::TcpOptions& options);

}  // namespace synsim::report
