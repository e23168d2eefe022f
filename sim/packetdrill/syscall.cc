// System call events: "+0...0.200 accept(3, ..., ...) = 4",
// "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0",
// "read(4, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)".
// What the covered language holds of them is checked here, so an
// unsupported call or socket option is refused before anything runs.
#include <fmt/format.h>

#include <array>
#include <limits>
#include <string_view>

#include "sim/packetdrill/cursor.h"
#include "sim/packetdrill/script.h"

namespace synsim::packetdrill::detail {

SyscallEvent syscall(Cursor& c, const std::string& name, Where at);

namespace {

constexpr std::array<std::string_view, 15> kCalls = {
    "socket", "setsockopt", "getsockopt", "fcntl", "bind", "listen", "accept", "connect",
    "read",   "recv",       "write",      "send",  "close", "shutdown", "accept4"};

// Socket options of the covered language (getsockopt SO_ERROR too).
constexpr std::array<std::string_view, 9> kOptions = {"SO_REUSEADDR", "SO_LINGER",  "SO_RCVBUF",
                                                      "SO_ERROR",     "TCP_DEFER_ACCEPT", "TCP_NODELAY",
                                                      "TCP_MAXSEG",   "TCP_SYNCNT", "SO_SNDBUF"};

[[noreturn]] void refuse(Where w, std::string_view feature) {
  Cursor::fail_at(w, fmt::format("{} is outside the covered language (not run)", feature));
}

Arg argument(Cursor& c, int depth);

// The items of `[...]` or the fields of `{...}` up to `close`.
std::vector<Arg> items(Cursor& c, char close, int depth) {
  std::vector<Arg> out;
  c.skip_blank(true);
  if (c.peek() == close) {
    c.take();
    return out;
  }
  while (true) {
    c.skip_blank(true);
    if (close == '}') {
      const Where at = c.where();
      const std::string field = c.identifier();
      if (field.empty()) c.fail("expected a field name in { }");
      c.skip_blank(true);
      c.expect('=', "after a struct field's name");
      c.skip_blank(true);
      Arg a = argument(c, depth + 1);
      a.text = field;
      a.where = at;
      out.push_back(std::move(a));
    } else {
      out.push_back(argument(c, depth + 1));
    }
    c.skip_blank(true);
    if (c.peek() == ',') {
      c.take();
      continue;
    }
    c.expect(close, "or ',' in the argument list");
    return out;
  }
}

Arg argument(Cursor& c, int depth) {
  if (depth > 8) c.fail("arguments nested too deeply");
  Arg a;
  a.where = c.where();
  if (c.starts_with("...")) {
    c.take(3);
    a.kind = Arg::Kind::ellipsis;
  } else if (c.peek() == '[' || c.peek() == '{') {
    const char open = c.take();
    a.kind = open == '[' ? Arg::Kind::list : Arg::Kind::structure;
    a.elements = items(c, open == '[' ? ']' : '}', depth);
  } else if (c.peek() == '"') {
    c.take();
    a.kind = Arg::Kind::string;
    while (!c.done() && c.peek() != '"' && c.peek() != '\n') a.text += c.take();
    if (c.peek() != '"') Cursor::fail_at(a.where, "unterminated string");
    c.take();
  } else if (c.peek() == '-' || std::isdigit(static_cast<unsigned char>(c.peek()))) {
    const bool negative = c.peek() == '-';
    if (negative) c.take();
    a.kind = Arg::Kind::number;
    const auto v = static_cast<std::int64_t>(
        c.unsigned_number("a number", static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())));
    a.number = negative ? -v : v;
  } else {
    a.kind = Arg::Kind::symbol;
    while (true) {
      const std::string word = c.identifier();
      if (word.empty()) c.fail("expected an argument (..., a number, a NAME, [list] or {struct}), found '" +
                               c.token_text() + "'");
      if (word.starts_with("tcpi_")) refuse(a.where, "tcpi_* assertions (" + word + ")");
      a.text += word;
      c.skip_blank(false);
      if (c.peek() != '|') break;
      a.text += c.take();
      c.skip_blank(false);
    }
  }
  return a;
}

std::string_view symbol(const std::vector<Arg>& args, std::size_t i) {
  return i < args.size() && args[i].kind == Arg::Kind::symbol ? std::string_view(args[i].text) : std::string_view();
}

// The features the covered language leaves out, by the arguments that ask for them.
void refuse_outside(const SyscallEvent& s, Where at) {
  for (const Arg& a : s.args) {
    if (a.kind == Arg::Kind::symbol && a.text.find("IPPROTO_MPTCP") != std::string::npos) refuse(a.where, "MPTCP");
    if (a.kind == Arg::Kind::symbol && a.text.find("MSG_FASTOPEN") != std::string::npos) {
      refuse(a.where, "TCP Fast Open (MSG_FASTOPEN)");
    }
  }
  if (s.name != "setsockopt" && s.name != "getsockopt") return;
  const std::string_view opt = symbol(s.args, 2);
  const Where w = s.args.size() > 2 ? s.args[2].where : at;
  if (opt.starts_with("TCP_FASTOPEN")) refuse(w, "TCP Fast Open (" + std::string(opt) + ")");
  if (opt == "TCP_CONGESTION") refuse(w, "congestion-control assertions (TCP_CONGESTION)");
  if (opt == "TCP_INFO" || opt == "TCP_CC_INFO") refuse(w, "tcpi_* assertions (" + std::string(opt) + ")");
  if (opt.find("ECN") != std::string_view::npos) refuse(w, "ECN (" + std::string(opt) + ")");
  for (std::string_view known : kOptions) {
    if (opt == known) return;
  }
  Cursor::fail_at(w, fmt::format("socket option '{}' is outside the covered language (covered: {})",
                                 opt.empty() ? "?" : opt, fmt::join(kOptions, ", ")));
}

}  // namespace

SyscallEvent syscall(Cursor& c, const std::string& name, Where at) {
  SyscallEvent s;
  s.name = name;
  bool known = false;
  for (std::string_view k : kCalls) known = known || k == name;
  if (!known) {
    Cursor::fail_at(at, fmt::format("unknown system call '{}' (covered: {})", name, fmt::join(kCalls, ", ")));
  }
  c.skip_blank(false);
  c.expect('(', "after the system call's name");
  s.args = items(c, ')', 0);
  c.skip_blank(false);
  c.expect('=', "before the system call's expected result (= N)");
  c.skip_blank(false);
  const bool negative = c.peek() == '-';
  if (negative) c.take();
  const auto v = static_cast<std::int64_t>(c.unsigned_number("the expected result", 0x7fffffff));
  s.result = negative ? -v : v;
  c.skip_blank(false);
  const std::string err = c.identifier();
  if (!err.empty()) {
    if (s.result != -1) c.fail("an errno name after a result other than -1");
    s.errno_name = err;
    c.skip_blank(false);
    if (c.peek() == '(') {  // "(Resource temporarily unavailable)": a comment for the reader
      while (!c.done() && c.peek() != ')' && c.peek() != '\n') c.take();
      c.expect(')', "after the errno's description");
    }
  }
  c.expect_line_end("the system call");
  refuse_outside(s, at);
  return s;
}

}  // namespace synsim::packetdrill::detail
