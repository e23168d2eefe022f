#include "sim/capture/tcpdump_tcp.h"

#include <algorithm>

#include <fmt/format.h>

namespace synsim::capture::text {

namespace {

// --- the TCP part ----------------------------------------------------------

// A number of at most 32 bits at `i`.
std::optional<std::uint32_t> u32(std::string_view s, std::size_t& i) {
  const std::size_t from = i;
  const auto v = digits(s, i, 10);
  if (!v || *v > 0xffffffffLL) {
    i = from;
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*v);
}

// One option of `options [..]` or `<..>`, as tcpdump prints it.
std::optional<std::string> read_option(std::string_view o, outcome::TcpOptions& out) {
  o = trim(o);
  auto number_after = [&](std::string_view prefix) -> std::optional<std::uint32_t> {
    if (!o.starts_with(prefix)) return std::nullopt;
    std::size_t i = prefix.size();
    return u32(o, i);
  };
  if (o.empty() || o == "nop" || o == "eol") return std::nullopt;
  if (o == "sackOK") {
    out.sack_permitted = true;
    return std::nullopt;
  }
  if (o.starts_with("mss ")) {
    const auto v = number_after("mss ");
    if (!v || *v > 65535) return std::string("mss needs a 16-bit number");
    out.mss = static_cast<std::uint16_t>(*v);
    return std::nullopt;
  }
  if (o.starts_with("wscale ")) {
    const auto v = number_after("wscale ");
    if (!v || *v > 255) return std::string("wscale needs a number");
    out.wscale = static_cast<int>(*v);
    return std::nullopt;
  }
  if (o.starts_with("TS val ") || o.starts_with("timestamp ")) {
    std::size_t i = o.starts_with("TS") ? 7 : 10;
    const auto val = u32(o, i);
    if (o.substr(i).starts_with(" ecr ")) i += 5;
    else if (i < o.size() && o[i] == ' ') ++i;
    const auto ecr = val ? u32(o, i) : std::nullopt;
    if (!val || !ecr) return std::string("timestamp needs two numbers");
    out.has_timestamp = true;
    out.ts_val = *val;
    out.ts_ecr = *ecr;
    return std::nullopt;
  }
  if (o.starts_with("sack ")) {
    // today: "sack 1 {1:2}"; 2003: "sack sack 1 {0:1} ".
    std::string_view rest = trim(o.substr(5));
    if (rest.starts_with("sack ")) rest = trim(rest.substr(5));
    std::size_t i = 0;
    const auto count = u32(rest, i);
    if (!count) return std::string("sack needs a block count");
    for (std::uint32_t b = 0; b < *count && b < 4; ++b) {
      while (i < rest.size() && is_space(rest[i])) ++i;
      if (i >= rest.size() || rest[i] != '{') return std::string("sack block needs {LEFT:RIGHT}");
      ++i;
      const auto left = u32(rest, i);
      if (!left || i >= rest.size() || rest[i] != ':') return std::string("sack block needs {LEFT:RIGHT}");
      ++i;
      const auto right = u32(rest, i);
      if (!right || i >= rest.size() || rest[i] != '}') return std::string("sack block needs {LEFT:RIGHT}");
      ++i;
      out.sack.push_back(outcome::SackBlock{*left, *right});
    }
    return std::nullopt;
  }
  // Options the outcome keeps nothing of (md5, mptcp, tfo, unknown-N ...).
  return std::nullopt;
}

// The options between `open` and its closing bracket; `i` on the opening one.
std::optional<LineError> read_options(std::string_view s, std::size_t& i, char close, outcome::TcpOptions& out) {
  const std::size_t start = i;
  const std::size_t end = s.find(close, i + 1);
  if (end == std::string_view::npos) return LineError{start, "options not closed"};
  std::size_t from = i + 1;
  while (from <= end) {
    std::size_t comma = s.find(',', from);
    if (comma == std::string_view::npos || comma > end) comma = end;
    if (auto e = read_option(s.substr(from, comma - from), out)) return LineError{from, *e};
    from = comma + 1;
  }
  i = end + 1;
  return std::nullopt;
}

std::optional<std::uint8_t> flag_of(char c) {
  switch (c) {
    case 'S': return outcome::kSyn;
    case 'F': return outcome::kFin;
    case 'R': return outcome::kRst;
    case 'P': return outcome::kPsh;
    case '.': return outcome::kAck;
    case 'U':
    case 'E':
    case 'W': return std::uint8_t{0};  // URG, ECE, CWR: not kept
    default: return std::nullopt;
  }
}

}  // namespace

// Today's form, from after "Flags ".
std::optional<LineError> read_modern(std::string_view s, std::size_t i, Tcp& t) {
  if (s.substr(i, 7) != "Flags [") return LineError{i, "expected 'Flags ['"};
  i += 7;
  const std::size_t close = s.find(']', i);
  if (close == std::string_view::npos) return LineError{i, "flags not closed with ']'"};
  const std::string_view f = s.substr(i, close - i);
  if (f != "none") {
    for (std::size_t k = 0; k < f.size(); ++k) {
      const auto bit = flag_of(f[k]);
      if (!bit) return LineError{i + k, fmt::format("unknown TCP flag '{}'", f[k])};
      t.flags |= *bit;
    }
  }
  i = close + 1;
  bool length_seen = false;
  while (i < s.size() && !length_seen) {
    if (s.substr(i, 2) != ", ") return LineError{i, "expected ', ' between fields"};
    i += 2;
    const std::size_t field = i;
    auto number = [&](std::string_view key) -> std::optional<std::uint32_t> {
      i = field + key.size();
      return u32(s, i);
    };
    if (s.substr(i, 4) == "seq ") {
      const auto a = number("seq ");
      if (!a) return LineError{field + 4, "seq needs a number"};
      t.seq = *a;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!u32(s, i)) return LineError{i, "seq A:B needs a number after ':'"};
      }
    } else if (s.substr(i, 4) == "ack ") {
      const auto a = number("ack ");
      if (!a) return LineError{field + 4, "ack needs a number"};
      t.ack = *a;
    } else if (s.substr(i, 4) == "win ") {
      const auto a = number("win ");
      if (!a || *a > 65535) return LineError{field + 4, "win needs a 16-bit number"};
      t.window = static_cast<std::uint16_t>(*a);
    } else if (s.substr(i, 4) == "urg ") {
      if (!number("urg ")) return LineError{field + 4, "urg needs a number"};
    } else if (s.substr(i, 9) == "options [") {
      i += 8;
      if (auto e = read_options(s, i, ']', t.options)) return e;
    } else if (s.substr(i, 6) == "cksum ") {  // -v: "cksum 0xfe30 (correct)"
      const std::size_t next = s.find(", ", i);
      i = next == std::string_view::npos ? s.size() : next;
    } else if (s.substr(i, 7) == "length ") {
      const auto a = number("length ");
      if (!a) return LineError{field + 7, "length needs a number"};
      t.length = *a;
      length_seen = true;  // what follows is the payload as tcpdump decodes it
    } else {
      return LineError{field, fmt::format("unknown field '{}'", s.substr(field, s.find_first_of(", ", field) - field))};
    }
  }
  if (!length_seen) return LineError{s.size(), "no 'length N': the line is cut short"};
  if (t.flags & outcome::kAck && !t.ack) return LineError{i, "'.' (ACK) without 'ack N'"};
  return std::nullopt;
}

// The 2003 form: `FLAGS [A:B(N)] [ack N] win N [urg N] [<options>] [(DF)]`;
// `.` alone when none of S F R P is set; ACK is the presence of `ack N`.
std::optional<LineError> read_old(std::string_view s, std::size_t i, Tcp& t) {
  const std::size_t flags_end = s.find(' ', i);
  const std::string_view f = s.substr(i, flags_end - i);
  if (f != ".") {
    for (std::size_t k = 0; k < f.size(); ++k) {
      const auto bit = flag_of(f[k]);
      if (!bit || f[k] == '.') return LineError{i + k, fmt::format("unknown TCP flag '{}'", f[k])};
      t.flags |= *bit;
    }
  }
  i = flags_end == std::string_view::npos ? s.size() : flags_end;
  bool window_seen = false;
  auto skip_spaces = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  skip_spaces();
  if (i < s.size() && is_digit(s[i])) {  // A:B(N)
    const std::size_t at = i;
    const auto a = u32(s, i);
    if (!a || i >= s.size() || s[i] != ':') return LineError{at, "expected FIRST:LAST(LENGTH)"};
    ++i;
    const auto b = u32(s, i);
    if (!b || i >= s.size() || s[i] != '(') return LineError{at, "expected FIRST:LAST(LENGTH)"};
    ++i;
    const auto n = u32(s, i);
    if (!n || i >= s.size() || s[i] != ')') return LineError{at, "expected FIRST:LAST(LENGTH)"};
    ++i;
    t.seq = *a;
    t.length = *n;
  }
  for (skip_spaces(); i < s.size(); skip_spaces()) {
    const std::size_t at = i;
    if (s.substr(i, 4) == "ack ") {
      i += 4;
      const auto a = u32(s, i);
      if (!a) return LineError{at + 4, "ack needs a number"};
      t.ack = *a;
      t.flags |= outcome::kAck;
    } else if (s.substr(i, 4) == "win ") {
      i += 4;
      const auto a = u32(s, i);
      if (!a || *a > 65535) return LineError{at + 4, "win needs a 16-bit number"};
      t.window = static_cast<std::uint16_t>(*a);
      window_seen = true;
    } else if (s.substr(i, 4) == "urg ") {
      i += 4;
      if (!u32(s, i)) return LineError{at + 4, "urg needs a number"};
    } else if (s[i] == '<') {
      if (auto e = read_options(s, i, '>', t.options)) return e;
    } else if (window_seen) {
      break;  // (DF), [tos 0x10], [ttl 1] ... : the IP part, nothing TCP
    } else {
      return LineError{at, fmt::format("unexpected '{}'", s.substr(at, s.find(' ', at) - at))};
    }
  }
  if (!window_seen) return LineError{s.size(), "no 'win N': the line is cut short"};
  return std::nullopt;
}

// Is the TCP part of `s` (from `body`) finished, or does it continue on the
// next line?
bool finished(std::string_view s, std::size_t body) {
  const std::string_view b = s.substr(body);
  if (std::count(b.begin(), b.end(), '<') != std::count(b.begin(), b.end(), '>')) return false;
  if (std::count(b.begin(), b.end(), '[') != std::count(b.begin(), b.end(), ']')) return false;
  auto number_after = [&](std::string_view key) {
    for (std::size_t k = b.find(key); k != std::string_view::npos; k = b.find(key, k + 1)) {
      if (k + key.size() < b.size() && is_digit(b[k + key.size()])) return true;
    }
    return false;
  };
  if (b.starts_with("Flags [")) return number_after("length ");
  return number_after("win ") || number_after("length ");
}


bool is_tcp_body(std::string_view b) {
  if (b.starts_with("Flags [")) return true;
  const std::size_t sp = b.find(' ');
  const std::string_view f = b.substr(0, sp);
  if (f.empty() || f.size() > 6) return false;
  if (f != "." && !std::all_of(f.begin(), f.end(), [](char c) { return flag_of(c) && c != '.'; })) return false;
  const std::string_view rest = sp == std::string_view::npos ? std::string_view() : b.substr(sp + 1);
  return rest.empty() || is_digit(rest.front()) || rest.starts_with("ack ") || rest.starts_with("win ");
}

}  // namespace synsim::capture::text
