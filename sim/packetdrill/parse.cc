// The script's events: times, segments, system calls (packetdrill's
// lexer.l and parser.y, for the covered language). Shell lines: shell.cc.
#include "sim/packetdrill/parse.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/core/utf8.h"
#include "sim/packetdrill/cursor.h"
#include "sim/packetdrill/shell.h"

namespace synsim::packetdrill {

using detail::Cursor;
using detail::Failure;

std::string ParseError::message() const {
  if (where.line == 0) return fmt::format("{}: {}", file, what);
  return fmt::format("{}:{}:{}: {}", file, where.line, where.col, what);
}

namespace {

constexpr std::uint64_t kU32 = std::numeric_limits<std::uint32_t>::max();
// A script's times: a day is far more than any script needs.
constexpr std::uint64_t kMaxSeconds = 86400;

// Binary input is refused where it starts: a NUL byte or bytes that are not UTF-8.
void refuse_binary(std::string_view text) {
  Cursor c(text);
  while (!c.done()) {
    const std::size_t n = utf8::character_at(text, c.pos());
    const unsigned char b = static_cast<unsigned char>(c.peek());
    if (b == 0 || n == 0) {
      c.fail(fmt::format("binary input (byte 0x{:02x}): a packetdrill script is text", b));
    }
    c.take(n);
  }
}

// "1", "0.100", ".1": seconds, to the nanosecond.
Duration seconds(Cursor& c) {
  const bool digit = std::isdigit(static_cast<unsigned char>(c.peek()));
  const bool fraction_only = c.peek() == '.' && std::isdigit(static_cast<unsigned char>(c.peek(1)));
  if (!digit && !fraction_only) c.fail("expected a time in seconds, found '" + c.token_text() + "'");
  const std::uint64_t whole = digit ? c.unsigned_number("a time in seconds", kMaxSeconds) : 0;
  std::int64_t frac = 0;
  // "0...0.2": the dots of a blocking range are not a fraction.
  if (c.peek() == '.' && c.peek(1) != '.') {
    c.take();
    if (!std::isdigit(static_cast<unsigned char>(c.peek()))) c.fail("expected digits after the decimal point");
    std::int64_t scale = 100000000;
    while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
      frac += (c.take() - '0') * scale;
      scale /= 10;
    }
  }
  return sec(static_cast<std::int64_t>(whole)) + ns(frac);
}

// A time, its `+` kept apart: "+0.1" -> (true, 0.1).
std::pair<bool, Duration> one_time(Cursor& c) {
  const bool relative = c.peek() == '+';
  if (relative) c.take();
  if (!std::isdigit(static_cast<unsigned char>(c.peek())) && c.peek() != '.') {
    c.fail("expected a time (0.100, +0.100, 0.1~0.2 or *), found '" + c.token_text() + "'");
  }
  return {relative, seconds(c)};
}

TimeSpec time_spec(Cursor& c) {
  TimeSpec t;
  if (c.peek() == '*') {
    c.take();
    t.kind = TimeKind::any;
    return t;
  }
  const auto [relative, start] = one_time(c);
  t.start = start;
  t.kind = relative ? TimeKind::relative : TimeKind::absolute;
  if (c.peek() == '~') {
    c.take();
    const Where at = c.where();
    const auto [end_relative, end] = one_time(c);
    if (end_relative != relative) Cursor::fail_at(at, "a time range mixes absolute and relative (+) times");
    if (end < start) Cursor::fail_at(at, "a time range ends before it starts");
    t.end = end;
    t.kind = relative ? TimeKind::relative_range : TimeKind::absolute_range;
  }
  return t;
}

[[noreturn]] void refuse(Where w, std::string_view feature) {
  Cursor::fail_at(w, fmt::format("{} is outside the covered language (not run)", feature));
}

std::uint8_t flags(Cursor& c) {
  std::uint8_t f = 0;
  const Where at = c.where();
  while (!c.done() && !std::isspace(static_cast<unsigned char>(c.peek()))) {
    const Where here = c.where();
    switch (c.take()) {
      case 'S': f |= kSyn; break;
      case '.': f |= kAck; break;
      case 'P': f |= kPsh; break;
      case 'F': f |= kFin; break;
      case 'R': f |= kRst; break;
      case 'E': case 'W': refuse(here, "ECN (the E and W flags)");
      case 'A': refuse(here, "AccECN (the AE flag)");
      case 'U': refuse(here, "urgent data (the U flag)");
      default: Cursor::fail_at(here, "unknown TCP flag (flags are S . P F R)");
    }
  }
  if (f == 0) Cursor::fail_at(at, "expected TCP flags (S . P F R)");
  return f;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> sack_blocks(Cursor& c) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks;
  while (true) {
    c.skip_blank(false);
    if (!std::isdigit(static_cast<unsigned char>(c.peek()))) break;
    const auto left = static_cast<std::uint32_t>(c.unsigned_number("a SACK block's left edge", kU32));
    c.expect(':', "in a SACK block (left:right)");
    const auto right = static_cast<std::uint32_t>(c.unsigned_number("a SACK block's right edge", kU32));
    blocks.emplace_back(left, right);
    if (blocks.size() > 4) c.fail("more than 4 SACK blocks");
  }
  if (blocks.empty()) c.fail("expected SACK blocks (left:right ...)");
  return blocks;
}

TcpOption option(Cursor& c) {
  const Where at = c.where();
  const std::string name = c.identifier();
  TcpOption o;
  c.skip_blank(false);
  if (name == "nop") {
    o.kind = OptionKind::nop;
  } else if (name == "eol") {
    o.kind = OptionKind::eol;
  } else if (name == "mss") {
    o.kind = OptionKind::mss;
    o.a = static_cast<std::uint32_t>(c.unsigned_number("an MSS", 65535));
  } else if (name == "sackOK") {
    o.kind = OptionKind::sack_ok;
  } else if (name == "wscale") {
    o.kind = OptionKind::wscale;
    o.a = static_cast<std::uint32_t>(c.unsigned_number("a window scale", 255));
  } else if (name == "TS") {
    o.kind = OptionKind::timestamp;
    if (c.identifier() != "val") c.fail("expected 'val' after TS (TS val N ecr N)");
    c.skip_blank(false);
    o.a = static_cast<std::uint32_t>(c.unsigned_number("a TS val", kU32));
    c.skip_blank(false);
    if (c.identifier() != "ecr") c.fail("expected 'ecr' (TS val N ecr N)");
    c.skip_blank(false);
    o.b = static_cast<std::uint32_t>(c.unsigned_number("a TS ecr", kU32));
  } else if (name == "sack") {
    o.kind = OptionKind::sack;
    o.blocks = sack_blocks(c);
  } else if (name == "FO" || name == "FOEXP") {
    refuse(at, "TCP Fast Open (the FO option)");
  } else if (name.starts_with("AccECN") || name == "accecn") {
    refuse(at, "AccECN (the AccECN option)");
  } else if (name.starts_with("mp") || name == "dss" || name == "add_address" || name == "remove_address") {
    refuse(at, "MPTCP (the " + name + " option)");
  } else if (name == "md5") {
    refuse(at, "TCP MD5 signatures");
  } else {
    Cursor::fail_at(at, "unknown TCP option '" + (name.empty() ? c.token_text() : name) +
                            "' (covered: nop, eol, mss, sackOK, TS val/ecr, wscale, sack)");
  }
  return o;
}

// "<mss 1000,sackOK,nop>" or "<...>"
void option_list(Cursor& c, PacketEvent& p) {
  c.take();  // '<'
  c.skip_blank(false);
  if (c.starts_with("...")) {
    c.take(3);
    c.skip_blank(false);
    c.expect('>', "after <...");
    p.options_any = true;
    return;
  }
  std::vector<TcpOption> opts;
  while (true) {
    c.skip_blank(false);
    opts.push_back(option(c));
    c.skip_blank(false);
    if (c.peek() == ',') {
      c.take();
      continue;
    }
    c.expect('>', "or ',' in the TCP option list");
    break;
  }
  p.options = std::move(opts);
}

// "S 0:0(0) win 65535 <mss 1000>" after the direction.
PacketEvent packet(Cursor& c, bool inbound) {
  PacketEvent p;
  p.inbound = inbound;
  c.skip_blank(false);
  if (c.peek() == '[') refuse(c.where(), "ECN codepoints ([ect0], [ect1], [ce], [noecn])");
  if (c.starts_with("udp") || c.starts_with("icmp")) refuse(c.where(), "UDP and ICMP packets");
  if (c.done() || c.peek() == '\n') c.fail("expected TCP flags after the direction");
  if (c.peek() >= '0' && c.peek() <= '9') {
    // packetdrill's opt_port_info: "SRC>DST" before the flags.
    p.src_port = static_cast<std::uint16_t>(c.unsigned_number("a source port", 0xffff));
    c.expect('>', "between the source and destination ports (SRC>DST)");
    p.dst_port = static_cast<std::uint16_t>(c.unsigned_number("a destination port", 0xffff));
    c.skip_blank(false);
    if (c.done() || c.peek() == '\n') c.fail("expected TCP flags after the ports");
  }
  p.flags = flags(c);
  c.skip_blank(false);
  const Where seq_at = c.where();
  p.seq = static_cast<std::uint32_t>(c.unsigned_number("a start sequence number", kU32));
  c.expect(':', "in the sequence range (start:end(length))");
  const auto end = static_cast<std::uint32_t>(c.unsigned_number("an end sequence number", kU32));
  c.expect('(', "before the payload length (start:end(length))");
  p.len = static_cast<std::uint32_t>(c.unsigned_number("a payload length", 0xffff));
  c.expect(')', "after the payload length");
  if (end - p.seq != p.len) {
    Cursor::fail_at(seq_at, fmt::format("the sequence range {}:{} holds {} bytes, not the length {}", p.seq, end,
                                        end - p.seq, p.len));
  }
  if ((p.flags & kSyn) && p.len > 0) refuse(seq_at, "TCP Fast Open (data on a SYN)");
  while (true) {
    c.skip_blank(false);
    const Where at = c.where();
    if (c.peek() == '<') {
      option_list(c, p);
      break;
    }
    const std::string word = c.identifier();
    if (word.empty()) break;
    c.skip_blank(false);
    if (word == "ack") {
      if (!(p.flags & kAck)) Cursor::fail_at(at, "an ack number on a segment without the ACK flag (.)");
      p.ack = static_cast<std::uint32_t>(c.unsigned_number("an ack number", kU32));
    } else if (word == "win") {
      p.win = static_cast<std::uint32_t>(c.unsigned_number("a window", 0xffff));
    } else if (word == "urg") {
      refuse(at, "urgent data (urg)");
    } else {
      Cursor::fail_at(at, "unexpected '" + word + "' in a segment (ack N, win N, <options>)");
    }
  }
  c.expect_line_end("the segment");
  return p;
}

}  // namespace

namespace detail {
SyscallEvent syscall(Cursor& c, const std::string& name, Where at);
}

namespace {

struct Parser {
  Cursor c;
  Script script;
  const ReadFile& read;

  // The event's line as written, from its start to the end of the line.
  std::string line_text(std::size_t from) const {
    const std::string_view t = c.text();
    std::size_t end = t.find('\n', from);
    if (end == std::string_view::npos) end = t.size();
    std::string s(t.substr(from, end - from));
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  }

  void shell(Where at) {
    c.take();  // '`'
    std::string body;
    const Where body_at = c.where();
    while (!c.done() && c.peek() != '`') body += c.take();
    if (c.done()) Cursor::fail_at(at, "unterminated shell command: ` has no closing ` before the end of the file");
    c.take();
    c.expect_line_end("the shell command");
    detail::shell_lines(body, script.file, body_at, read, !script.events.empty(), script);
  }

  void event() {
    const Where at = c.where();
    const std::size_t from = c.pos();
    if (c.peek() == '<' || c.peek() == '>') c.fail("a segment needs a time before it (0, +0.1, 0.1~0.2 or *)");
    if (std::isalpha(static_cast<unsigned char>(c.peek()))) {
      c.fail("an event needs a time before it (0, +0.1, 0.1~0.2 or *), found '" + c.token_text() + "'");
    }
    Event e;
    e.where = at;
    e.time = time_spec(c);
    std::optional<Duration> block_end;
    if (c.starts_with("...")) {
      const Where dots = c.where();
      c.take(3);
      if (e.time.kind != TimeKind::absolute && e.time.kind != TimeKind::relative) {
        Cursor::fail_at(dots, "a blocking call's start (before ...) must be one time, not a range or *");
      }
      if (c.peek() == '+') c.take();
      block_end = seconds(c);
      if (e.time.kind == TimeKind::absolute && *block_end < e.time.start) {
        Cursor::fail_at(dots, "a blocking call ends (after ...) before it starts");
      }
    }
    c.skip_blank(false);
    const Where what_at = c.where();
    if (c.peek() == '<' || c.peek() == '>') {
      if (block_end) Cursor::fail_at(at, "only a system call can block (start...end)");
      const bool inbound = c.take() == '<';
      e.what = packet(c, inbound);
    } else if (c.peek() == '`') {
      shell(what_at);
      return;
    } else if (c.starts_with("%{")) {
      refuse(what_at, "Python code (%{ }%, tcpi_* and congestion-control assertions)");
    } else {
      const std::string name = c.identifier();
      if (name.empty()) {
        c.fail(c.done() || c.peek() == '\n' ? "the time has no event after it (truncated line?)"
                                            : "expected <, > or a system call after the time, found '" +
                                                  c.token_text() + "'");
      }
      SyscallEvent call = detail::syscall(c, name, what_at);
      call.end = block_end;
      e.what = std::move(call);
    }
    if (block_end && !std::holds_alternative<SyscallEvent>(e.what)) {
      Cursor::fail_at(at, "only a system call can block (start...end)");
    }
    e.text = line_text(from);
    script.events.push_back(std::move(e));
  }

  void run() {
    refuse_binary(c.text());
    while (true) {
      c.skip_blank(true);
      if (c.done()) break;
      const Where at = c.where();
      if (c.peek() == '`') {
        shell(at);
      } else if (c.starts_with("%{")) {
        refuse(at, "Python code (%{ }%, tcpi_* and congestion-control assertions)");
      } else {
        event();
      }
    }
    if (script.events.empty()) Cursor::fail_at(c.where(), "the script has no events");
  }
};

}  // namespace

std::variant<Script, ParseError> parse_script(std::string_view text, const std::string& file, const ReadFile& read) {
  Parser p{Cursor(text), Script{}, read};
  p.script.file = file;
  try {
    p.run();
  } catch (const Failure& f) {
    return ParseError{file, f.where, f.what};
  } catch (const detail::FailureIn& f) {
    return ParseError{f.file, f.where, f.what};
  }
  return std::move(p.script);
}

std::variant<Script, ParseError> parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ParseError{path, {0, 0}, "cannot read the script"};
  std::ostringstream text;
  text << in.rdbuf();
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
  const ReadFile read = [dir](const std::string& name) -> std::optional<std::string> {
    std::ifstream f(name.starts_with("/") ? name : dir + "/" + name, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
  };
  return parse_script(text.str(), path, read);
}

}  // namespace synsim::packetdrill
