// Internal to sim/capture: the TCP part of a tcpdump packet line (after
// "SRC > DST: "), in today's form and the 2003 form, for tcpdump_text.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/outcome/outcome.h"

namespace synsim::capture::text {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_space(char c) { return c == ' ' || c == '\t'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Digits at `i`, at most `max` of them; nullopt if none.
inline std::optional<std::int64_t> digits(std::string_view s, std::size_t& i, std::size_t max = 18) {
  const std::size_t from = i;
  std::int64_t v = 0;
  while (i < s.size() && is_digit(s[i]) && i - from < max) v = v * 10 + (s[i++] - '0');
  if (i == from) return std::nullopt;
  return v;
}

// A malformed packet line: where (an offset in the line) and what.
struct LineError {
  std::size_t offset;
  std::string what;
};

// The TCP part as printed: numbers as tcpdump printed them (relative or not).
struct Tcp {
  std::uint8_t flags = 0;
  std::optional<std::uint32_t> seq;
  std::optional<std::uint32_t> ack;
  std::uint16_t window = 0;
  std::uint32_t length = 0;
  outcome::TcpOptions options;
};

// Today's form from `i` ("Flags [S.], seq 1, ack 2, win 3, options [...], length 0").
std::optional<LineError> read_modern(std::string_view s, std::size_t i, Tcp& t);
// The 2003 form from `i` ("S 1:1(0) ack 2 win 3 <mss 16396,...> (DF)").
std::optional<LineError> read_old(std::string_view s, std::size_t i, Tcp& t);
// The text from `body` reads as a TCP part (of either form), not UDP or ICMP.
bool is_tcp_body(std::string_view body);
// The TCP part from `body` is finished; false: it continues on the next line.
bool finished(std::string_view s, std::size_t body);

}  // namespace synsim::capture::text
