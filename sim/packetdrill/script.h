// A packetdrill script, parsed: the kernel community's own language for
// stating TCP behaviour (google/packetdrill, and the kernel's
// tools/testing/selftests/net/packetdrill/).
//
// Read first: packetdrill's README ("Script syntax") and one of the kernel's
// scripts, e.g. tcp_basic_server.pkt. A script is a timeline of events, each
// at a time: socket calls on the local side, segments the scripted remote
// peer injects (`<`) and segments the local kernel must send (`>`), and
// shell commands in backquotes (of which `sysctl` lines are kept as data and
// nothing is ever executed).
//
// This layer knows nothing of the model: parse.h turns text into these plain
// structs, play.h plays them on tcp::Stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/core/time.h"

namespace synsim::packetdrill {

// Where something is in its file (1-based).
struct Where {
  std::uint32_t line = 0;
  std::uint32_t col = 0;
};

// packetdrill's five ways of saying when (run.c verify_time()).
enum class TimeKind : std::uint8_t {
  absolute,        // 0.100
  relative,        // +0.100: after the previous event (its actual time)
  absolute_range,  // 0.100~0.200
  relative_range,  // +0.100~+0.200
  any,             // *: any time
};

struct TimeSpec {
  TimeKind kind = TimeKind::absolute;
  Duration start{};
  Duration end{};  // ranges only
};

// TCP flags as packetdrill writes them: S . P F R (tcp_packet.c).
enum PktFlag : std::uint8_t {
  kFin = 0x01,
  kSyn = 0x02,
  kRst = 0x04,
  kPsh = 0x08,
  kAck = 0x10,
};

enum class OptionKind : std::uint8_t { nop, eol, mss, sack_ok, timestamp, wscale, sack };

struct TcpOption {
  OptionKind kind = OptionKind::nop;
  std::uint32_t a = 0;  // mss value, wscale shift, TS val
  std::uint32_t b = 0;  // TS ecr
  std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks;  // sack: relative left:right
};

// "< S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 8>", or with
// the ports of its 4-tuple, source first: "< 40001>8080 S 0:0(0) ..."
// (packetdrill's opt_port_info), for scripts with several remote peers.
struct PacketEvent {
  bool inbound = true;  // `<`: the remote peer sends it; `>`: the local kernel must
  std::optional<std::uint16_t> src_port;  // both given, or neither
  std::optional<std::uint16_t> dst_port;
  // The remote peer's port the line names (its source if inbound), if any.
  std::optional<std::uint16_t> remote_port() const { return inbound ? src_port : dst_port; }
  std::uint8_t flags = 0;
  std::uint32_t seq = 0;  // relative to the sender's ISN
  std::uint32_t len = 0;
  std::optional<std::uint32_t> ack;  // relative to the receiver's ISN
  std::optional<std::uint32_t> win;
  // The option list: none given (nullopt), `<...>` (any), or these.
  bool options_any = false;
  std::optional<std::vector<TcpOption>> options;
};

// A syscall argument, as far as this layer needs to tell: `...`, a number,
// a symbol (SOCK_STREAM, O_RDWR|O_NONBLOCK), a list `[1]`, a struct
// `{l_onoff=1, l_linger=0}` (fields by name), or a string.
struct Arg {
  enum class Kind : std::uint8_t { ellipsis, number, symbol, list, structure, string };
  Kind kind = Kind::ellipsis;
  std::int64_t number = 0;
  std::string text;                 // symbol, string, or a struct field's name
  std::vector<Arg> elements;        // list items, struct fields (each with its name in text)
  Where where;
};

// "0...0.200 accept(3, ..., ...) = 4" or "= -1 EAGAIN (Resource temporarily unavailable)"
struct SyscallEvent {
  std::string name;
  std::vector<Arg> args;
  std::int64_t result = 0;
  std::string errno_name;             // "EAGAIN" when result is -1 with an errno
  std::optional<Duration> end;        // `...END`: a blocking call returns at END (the same kind as the start)
};

// A call's i-th argument as a number (`5` or packetdrill's `[5]`), or as a
// symbol (`O_NONBLOCK`); nullopt / empty when it is something else. Both
// players read arguments this way (the model's calls.cc, the kernel's
// pkt_calls.cc).
inline std::optional<std::int64_t> number_arg(const SyscallEvent& s, std::size_t i) {
  if (i >= s.args.size()) return std::nullopt;
  const Arg& a = s.args[i];
  if (a.kind == Arg::Kind::number) return a.number;
  if (a.kind == Arg::Kind::list && a.elements.size() == 1 && a.elements[0].kind == Arg::Kind::number) {
    return a.elements[0].number;
  }
  return std::nullopt;
}

inline std::string_view symbol_arg(const SyscallEvent& s, std::size_t i) {
  return i < s.args.size() && s.args[i].kind == Arg::Kind::symbol ? std::string_view(s.args[i].text)
                                                                   : std::string_view();
}

// A sysctl a shell line sets (`sysctl -q NAME=VALUE`), in the script or in
// the defaults.sh it runs.
struct Sysctl {
  std::string name;
  std::string value;
  std::string file;  // where the line is
  Where where;
};

// A shell command neither kept nor run.
struct Skipped {
  std::string command;
  std::string file;
  Where where;
};

struct Event {
  Where where;
  TimeSpec time;
  std::variant<PacketEvent, SyscallEvent> what;
  std::string text;  // the script's line, as written (trimmed)
};

struct Script {
  std::string file;
  std::vector<Event> events;
  std::vector<Sysctl> sysctls;
  std::vector<Skipped> skipped;
  // The first event's line: sysctls set after it (shell lines between
  // events) are refused, since the model's sysctls hold for the whole run.
};

}  // namespace synsim::packetdrill
