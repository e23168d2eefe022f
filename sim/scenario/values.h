// Text parsers for the scalar values of the scenario format.
//
// No YAML here: each function takes the text of one scalar and returns the
// value, or nullopt with *error (when not null) set to a message that quotes
// the text and says what was expected. parse_duration is declared in load.h
// (the CLI uses it too) and defined in values.cc with these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.h"

namespace synsim::scenario {

// Longest duration accepted anywhere: 10 years of 365 days. Puts a limit on
// everything (style.md) and keeps every sum of two durations inside int64.
constexpr Duration kMaxDuration = sec(std::int64_t{10} * 365 * 24 * 3600);

// Decimal integer: optional sign, digits, `_` allowed between digits
// (`10_000`). No hex, no exponent, no fraction.
std::optional<std::int64_t> parse_integer(std::string_view text, std::string* error);
std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::string* error);

// "30000/s": connections per second, a positive integer.
std::optional<std::uint64_t> parse_rate(std::string_view text, std::string* error);

// "5.1s ±300ms", "5.1s +-300ms" or "5.1s" (tolerance 0).
struct TimeWithTolerance {
  Duration value{};
  Duration tolerance{};
};
std::optional<TimeWithTolerance> parse_time_with_tolerance(std::string_view text,
                                                           std::string* error);

// "127.0.0.1:9100": a loopback IPv4 address (127.0.0.0/8) and a port 1..65535.
struct ListenAddress {
  std::string address;  // dotted quad, as written
  std::uint16_t port = 0;
};
std::optional<ListenAddress> parse_listen(std::string_view text, std::string* error);

// "x#3": client group name and 0-based index within the group.
struct ConnectionName {
  std::string group;
  std::uint32_t index = 0;
};
std::optional<ConnectionName> parse_connection_name(std::string_view text, std::string* error);

// [a-z0-9-]+ : scenario and client group names.
bool is_valid_name(std::string_view text);

// An nstat counter name: ^(Tcp|TcpExt|Ip|IpExt)[A-Za-z0-9]+$.
bool is_counter_name(std::string_view text);

}  // namespace synsim::scenario
