#include "sim/capture/tcpdump_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/capture/tcpdump_tcp.h"
#include "sim/core/seq.h"

namespace synsim::capture {

namespace {

using namespace text;

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kDay = 86'400 * kNsPerSecond;
// Lines longer than this are not tcpdump's (a packet line is ~200 bytes).
constexpr std::size_t kMaxRecord = 4096;
// A record takes at most this many wrapped lines.
constexpr int kMaxContinuations = 8;

// Where a character of a (possibly joined) record came from.
struct Piece {
  std::size_t offset;  // in the record's text
  int line;
  int column;          // 1-based column of the piece's first character
};

class Record {
 public:
  void start(std::string_view text, int line, int column) {
    text_.assign(text);
    pieces_ = {Piece{0, line, column}};
    continuations_ = 0;
  }
  void append(std::string_view text, int line, int column) {
    text_ += ' ';
    pieces_.push_back(Piece{text_.size(), line, column});
    text_ += text;
    ++continuations_;
  }
  const std::string& text() const { return text_; }
  int line() const { return pieces_.front().line; }
  int continuations() const { return continuations_; }
  // "LINE:COL" of the record's character at `offset`.
  std::pair<int, int> at(std::size_t offset) const {
    const Piece* p = &pieces_.front();
    for (const Piece& q : pieces_) {
      if (q.offset <= offset) p = &q;
    }
    return {p->line, p->column + static_cast<int>(offset - std::min(offset, p->offset))};
  }

 private:
  std::string text_;
  std::vector<Piece> pieces_;
  int continuations_ = 0;
};

// --- times -----------------------------------------------------------------

enum class TimeForm : std::uint8_t { clock, date_clock, seconds };

struct Stamp {
  TimeForm form = TimeForm::clock;
  std::int64_t ns = 0;
};

// ".ffffff" or ".fffffffff" at `i` as ns.
std::optional<std::int64_t> fraction(std::string_view s, std::size_t& i) {
  if (i >= s.size() || s[i] != '.') return std::nullopt;
  ++i;
  const std::size_t from = i;
  std::int64_t v = digits(s, i, 9).value_or(-1);
  if (v < 0) return std::nullopt;
  for (std::size_t n = i - from; n < 9; ++n) v *= 10;
  return v;
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// HH:MM:SS.frac at `i`.
std::optional<std::int64_t> clock_time(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  const auto h = digits(s, j, 2);
  if (!h || j >= s.size() || s[j] != ':') return std::nullopt;
  ++j;
  const auto m = digits(s, j, 2);
  if (!m || j >= s.size() || s[j] != ':') return std::nullopt;
  ++j;
  const auto sec = digits(s, j, 2);
  if (!sec) return std::nullopt;
  const auto f = fraction(s, j);
  if (!f || *m > 59 || *sec > 60) return std::nullopt;
  i = j;
  return ((*h * 60 + *m) * 60 + *sec) * kNsPerSecond + *f;
}

std::optional<Stamp> timestamp(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  // -tttt: 2003-04-01 11:09:50.893716
  if (s.size() >= j + 11 && s[j + 4] == '-' && s[j + 7] == '-') {
    std::size_t k = j;
    const auto y = digits(s, k, 4);
    ++k;
    const auto mo = y ? digits(s, k, 2) : std::nullopt;
    ++k;
    const auto d = mo ? digits(s, k, 2) : std::nullopt;
    // Dates from 1970 to 2262 only: nanoseconds since the epoch in 64 bits
    // end in 2262 (a later year, as fuzzed input has, would overflow).
    const bool calendar = d && *mo >= 1 && *mo <= 12 && *d >= 1 && *d <= 31;
    const std::int64_t days = calendar ? days_from_civil(*y, *mo, *d) : -1;
    if (days >= 0 && days < std::numeric_limits<std::int64_t>::max() / kDay - 1 && k < s.size() && s[k] == ' ') {
      ++k;
      if (const auto c = clock_time(s, k)) {
        i = k;
        return Stamp{TimeForm::date_clock, days * kDay + *c};
      }
    }
  }
  if (const auto c = clock_time(s, j)) {
    i = j;
    return Stamp{TimeForm::clock, *c};
  }
  j = i;
  // -tt: 1049224190.893716
  // Nanoseconds in 64 bits reach Unix time 9223372036 (year 2262); a later
  // time (fuzzed input) would overflow, so it is no timestamp.
  const auto sec = digits(s, j, 10);
  if (!sec || *sec > std::numeric_limits<std::int64_t>::max() / kNsPerSecond - 1) return std::nullopt;
  const auto f = fraction(s, j);
  if (!f) return std::nullopt;
  i = j;
  return Stamp{TimeForm::seconds, *sec * kNsPerSecond + *f};
}

// --- endpoints -------------------------------------------------------------

// The TCP services tcpdump names without -n (/etc/services).
std::optional<std::uint16_t> service_port(std::string_view name) {
  static const std::array<std::pair<std::string_view, std::uint16_t>, 20> services = {{
      {"ftp-data", 20}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"domain", 53},
      {"http", 80}, {"www", 80}, {"pop3", 110}, {"imap", 143}, {"https", 443}, {"imap2", 143},
      {"submission", 587}, {"imaps", 993}, {"pop3s", 995}, {"mysql", 3306}, {"postgresql", 5432},
      {"webcache", 8080}, {"http-alt", 8080}, {"tproxy", 8081},
  }};
  for (const auto& [n, port] : services) {
    if (n == name) return port;
  }
  return std::nullopt;
}

struct Endpoint {
  std::string addr;
  std::uint16_t port = 0;
};

std::optional<Endpoint> endpoint(std::string_view text, bool ipv6, std::string& error) {
  const std::size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) {
    error = fmt::format("'{}' is not ADDRESS.PORT", text);
    return std::nullopt;
  }
  Endpoint e;
  const std::string_view host = text.substr(0, dot);
  const std::string_view port = text.substr(dot + 1);
  if (std::all_of(port.begin(), port.end(), is_digit)) {
    std::size_t i = 0;
    const auto v = digits(port, i, 5);
    if (!v || *v > 65535) {
      error = fmt::format("port '{}' out of range", port);
      return std::nullopt;
    }
    e.port = static_cast<std::uint16_t>(*v);
  } else if (const auto p = service_port(port)) {
    e.port = *p;
  } else {
    error = fmt::format("unknown service name '{}' (give `tcpdump -n` output, with port numbers)", port);
    return std::nullopt;
  }
  const bool v6 = ipv6 || host.find(':') != std::string_view::npos;
  e.addr = host == "localhost" || host == "localhost.localdomain" ? (v6 ? "::1" : "127.0.0.1") : std::string(host);
  return e;
}

// --- relative sequence numbers ---------------------------------------------

// tcp_print()'s conversation: the bases it subtracts, per direction.
struct Conversation {
  bool bases = false;
  std::array<std::uint32_t, 2> base{};  // by direction: [0] the lower endpoint's
  std::optional<bool> relative;         // decided at the first segment it subtracts from
};

std::string endpoint_key(const std::string& addr, std::uint16_t port) { return fmt::format("{}.{}", addr, port); }

class Sequences {
 public:
  // Turns `t`'s numbers absolute, as tcpdump would have printed them without -S.
  void absolute(const outcome::Packet& p, Tcp& t) {
    const std::string a = endpoint_key(p.src_addr, p.src_port);
    const std::string b = endpoint_key(p.dst_addr, p.dst_port);
    const bool forward = a < b;
    Conversation& c = conversations_[forward ? a + " " + b : b + " " + a];
    const std::size_t me = forward ? 0 : 1;
    const std::size_t peer = 1 - me;
    if (!(t.flags & outcome::kAck)) return;  // absolute, as printed
    if (!c.bases || (t.flags & outcome::kSyn)) {
      c.bases = true;
      c.base[me] = t.seq.value_or(0);
      c.base[peer] = t.ack.value_or(1) - 1;
      return;
    }
    if (!c.relative) {
      // Relative numbers start near 0; absolute ones near the base.
      const std::uint32_t ack = t.ack.value_or(0);
      const std::uint32_t as_absolute = ack - (c.base[peer] + 1);
      const auto distance = [](std::uint32_t d) { return std::min(d, 0u - d); };
      c.relative = distance(ack) < distance(as_absolute);
    }
    if (!*c.relative) return;
    if (t.seq) *t.seq += c.base[me];
    if (t.ack) *t.ack += c.base[peer];
    for (outcome::SackBlock& s : t.options.sack) {
      s.left += c.base[peer];
      s.right += c.base[peer];
    }
  }

 private:
  std::map<std::string, Conversation> conversations_;
};

// --- lines -----------------------------------------------------------------

// A packet line's parts, before its TCP part is read.
struct Head {
  Stamp stamp;
  std::size_t body = 0;  // offset of the TCP part (after "DST: ")
  bool ipv6 = false;
  std::size_t src_at = 0, dst_at = 0;
  std::string_view src, dst;
};

// The head of a packet line: TIME [IFACE DIR] [IP|IP6] SRC > DST: ...;
// nullopt when the line is not one.
std::optional<Head> head(std::string_view s) {
  Head h;
  std::size_t i = 0;
  const auto stamp = timestamp(s, i);
  if (!stamp || i >= s.size() || !is_space(s[i])) return std::nullopt;
  h.stamp = *stamp;
  auto word = [&](std::size_t& at) {
    while (at < s.size() && is_space(s[at])) ++at;
    const std::size_t from = at;
    while (at < s.size() && !is_space(s[at])) ++at;
    return s.substr(from, at - from);
  };
  std::size_t j = i;
  std::string_view w = word(j);
  // -i any: "lo In  IP ..." (interface, then In, Out, M, B or P).
  {
    std::size_t k = j;
    const std::string_view dir = word(k);
    if (dir == "In" || dir == "Out" || dir == "M" || dir == "B" || dir == "P") {
      j = k;
      w = word(j);
    }
  }
  if (w == "IP" || w == "IP6") {
    h.ipv6 = w == "IP6";
    i = j;
    w = word(j);
  }
  h.src_at = j - w.size();
  h.src = w;
  if (word(j) != ">") return std::nullopt;
  const std::string_view dst = word(j);
  if (dst.size() < 2 || dst.back() != ':') return std::nullopt;
  h.dst_at = j - dst.size();
  h.dst = dst.substr(0, dst.size() - 1);
  while (j < s.size() && is_space(s[j])) ++j;
  h.body = j;
  return h;
}

// "Line 4: " before a packet line (the 2003 report's labels): its length.
std::size_t label_length(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  if (s.substr(i, 5) != "Line ") return 0;
  i += 5;
  if (!digits(s, i, 6) || i >= s.size() || s[i] != ':') return 0;
  ++i;
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

class Reader {
 public:
  Reader(std::string_view text, const std::string& name) : text_(text), name_(name) {
    in_.name = name;
    in_.format = "tcpdump text";
  }

  Input read() {
    int line_no = 0;
    std::size_t from = 0;
    while (from <= text_.size()) {
      std::size_t end = text_.find('\n', from);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(from, end - from);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (end == text_.size() && line.empty() && line_no > 0) break;  // after the last line's newline
      ++line_no;
      on_line(line, line_no);
      if (end == text_.size()) break;
      from = end + 1;
    }
    flush();
    resolve_times();
    if (in_.segments.empty()) {
      throw InputError(fmt::format("{}: no TCP packet line ({} lines{})", name_, line_no,
                                   in_.skipped.empty() ? "" : "; first skipped: " + in_.skipped.front().where + ": " +
                                                                  in_.skipped.front().why));
    }
    return std::move(in_);
  }

 private:
  void skip(int line, std::string why) { in_.skipped.push_back(Skipped{fmt::format("{}:{}:1", name_, line), std::move(why)}); }

  [[noreturn]] void fail(const Record& r, const LineError& e) const {
    const auto [line, column] = r.at(e.offset);
    throw InputError(fmt::format("{}:{}:{}: {}", name_, line, column, e.what));
  }

  void on_line(std::string_view line, int line_no) {
    const std::string_view blank = trim(line);
    if (line.size() > kMaxRecord) {
      flush();
      skip(line_no, fmt::format("a line of {} bytes is not tcpdump's", line.size()));
      return;
    }
    const std::size_t label = label_length(line);
    const std::string_view rest = line.substr(label);
    if (head(rest)) {
      flush();
      open_ = true;
      record_.start(rest, line_no, static_cast<int>(label) + 1);
      if (complete()) flush();
      return;
    }
    if (blank.empty()) return;  // blank lines say nothing
    if (open_ && record_.continuations() < kMaxContinuations) {
      const std::size_t lead = static_cast<std::size_t>(blank.data() - line.data());
      record_.append(blank, line_no, static_cast<int>(lead) + 1);
      if (complete()) flush();
      return;
    }
    flush();
    std::size_t i = 0;
    const std::string_view words = trim(rest);
    if ((words.starts_with("IP ") || words.starts_with("IP6 ")) && !timestamp(words, i)) {
      skip(line_no, "a packet line without a time (tcpdump -t): explain needs times (-tt)");
    } else {
      skip(line_no, "not a tcpdump packet line");
    }
  }

  bool complete() const {
    const auto h = head(record_.text());
    return h && (!is_tcp_body(std::string_view(record_.text()).substr(h->body)) ||
                 finished(record_.text(), h->body));
  }

  void flush() {
    if (!open_) return;
    open_ = false;
    const std::string& s = record_.text();
    const Head h = *head(s);
    const std::string_view body = std::string_view(s).substr(h.body);
    if (!is_tcp_body(body)) {
      skip(record_.line(), fmt::format("not TCP: '{}'", body.substr(0, 40)));
      return;
    }
    std::string error;
    const auto src = endpoint(h.src, h.ipv6, error);
    if (!src) fail(record_, LineError{h.src_at, error});
    const auto dst = endpoint(h.dst, h.ipv6, error);
    if (!dst) fail(record_, LineError{h.dst_at, error});
    Tcp t;
    const auto e = body.starts_with("Flags [") ? read_modern(s, h.body, t) : read_old(s, h.body, t);
    if (e) fail(record_, *e);
    outcome::Packet p;
    p.src_addr = src->addr;
    p.src_port = src->port;
    p.dst_addr = dst->addr;
    p.dst_port = dst->port;
    sequences_.absolute(p, t);
    p.flags = t.flags;
    p.seq = t.seq.value_or(next_seq(p, t));
    p.ack = t.ack.value_or(0);
    p.window = t.window;
    p.length = t.length;
    p.options = std::move(t.options);
    remember(p);
    if (forms_.empty() || forms_.back().first != h.stamp.form) forms_.emplace_back(h.stamp.form, record_.line());
    stamps_.push_back(h.stamp.ns);
    in_.segments.push_back(Segment{0, std::move(p), fmt::format("{}:{}", name_, record_.line())});
  }

  // A segment printed without `seq` (a pure ACK) sends nothing: its sequence
  // number is where its sender is, the end of what it sent last.
  std::uint32_t next_seq(const outcome::Packet& p, const Tcp&) const {
    const auto it = next_.find(endpoint_key(p.src_addr, p.src_port) + ">" + endpoint_key(p.dst_addr, p.dst_port));
    return it == next_.end() ? 0 : it->second;
  }
  void remember(const outcome::Packet& p) {
    const std::uint32_t end =
        p.seq + p.length + ((p.flags & outcome::kSyn) ? 1 : 0) + ((p.flags & outcome::kFin) ? 1 : 0);
    std::uint32_t& next = next_[endpoint_key(p.src_addr, p.src_port) + ">" + endpoint_key(p.dst_addr, p.dst_port)];
    if (!(p.flags & outcome::kRst) && (next == 0 || seq::after(end, next))) next = end;
  }

  // The times as read, turned into one clock.
  void resolve_times() {
    if (forms_.size() > 1) {
      throw InputError(fmt::format("{}:{}:1: the times change form here (tcpdump -t, -tt, -ttt, -tttt: one form "
                                   "a file)",
                                   name_, forms_[1].second));
    }
    if (stamps_.empty()) return;
    const TimeForm form = forms_.front().first;
    if (form == TimeForm::clock && stamps_.front() == 0) {
      // -ttt: each time is the delta from the line before (-ttttt, since
      // the first packet, starts at zero too; it is far rarer).
      std::int64_t t = 0;
      for (std::size_t k = 0; k < stamps_.size(); ++k) in_.segments[k].ns = t += stamps_[k];
      in_.notes.push_back("times read as tcpdump -ttt deltas (the first is 00:00:00.000000)");
      return;
    }
    std::int64_t day = 0;
    for (std::size_t k = 0; k < stamps_.size(); ++k) {
      // A time of day more than 12 hours before the previous one: midnight passed.
      if (form == TimeForm::clock && k > 0 && stamps_[k] + day < in_.segments[k - 1].ns - kDay / 2) day += kDay;
      in_.segments[k].ns = stamps_[k] + day;
    }
    if (form == TimeForm::clock) in_.notes.push_back("times are times of day (tcpdump's default, no date)");
  }

  std::string_view text_;
  std::string name_;
  Input in_;
  Record record_;
  bool open_ = false;
  Sequences sequences_;
  std::map<std::string, std::uint32_t> next_;
  std::vector<std::pair<TimeForm, int>> forms_;
  std::vector<std::int64_t> stamps_;
};

}  // namespace

Input read_tcpdump_text(std::string_view text, const std::string& name) { return Reader(text, name).read(); }

}  // namespace synsim::capture
