#include "sim/report/svg.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "sim/core/seq.h"
#include "sim/report/reason_text.h"

namespace synsim::report {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch; break;  // a char, not an enum: every other byte passes through
    }
  }
  return out;
}

std::string svg_num(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fmt::format("{:.2f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

namespace {

// `value / unit` with up to `decimals` decimals, trailing zeros trimmed, in
// integer arithmetic so labels never depend on floating-point printing.
std::string scaled(std::int64_t value, std::int64_t unit, int decimals, const char* suffix) {
  std::int64_t whole = value / unit;
  std::int64_t frac = value % unit;
  std::int64_t step = unit;
  for (int i = 0; i < decimals; ++i) step /= 10;
  if (step == 0) step = 1;
  frac /= step;
  std::string f = decimals > 0 ? fmt::format("{:0{}d}", frac, decimals) : "";
  while (!f.empty() && f.back() == '0') f.pop_back();
  return f.empty() ? fmt::format("{}{}", whole, suffix) : fmt::format("{}.{}{}", whole, f, suffix);
}

}  // namespace

std::string axis_time_label(std::int64_t ns) {
  if (ns == 0) return "0";
  std::string sign = ns < 0 ? "-" : "";
  std::int64_t a = ns < 0 ? -ns : ns;
  if (a < 1'000) return sign + fmt::format("{}ns", a);
  if (a < 1'000'000) return sign + scaled(a, 1'000, 2, "us");
  if (a < 1'000'000'000) return sign + scaled(a, 1'000'000, 3, "ms");
  return sign + scaled(a, 1'000'000'000, 6, "s");
}

std::vector<PacketInfo> classify_packets(const outcome::Outcome& o) {
  using namespace outcome;
  struct Side {
    bool sent_syn = false;      // SYN (client) or SYN-ACK (server)
    std::optional<std::uint32_t> end;  // highest seq + length sent with payload
  };
  struct Conn {
    Side client;
    Side server;
    bool client_acked = false;               // the client sent an ACK-bearing non-SYN segment
    bool last_server_synack_retx = false;    // the server's latest packet was a retransmitted SYN-ACK
  };
  std::map<std::string, Conn> conns;

  std::vector<PacketInfo> out(o.packets.size());
  for (const Annotation& a : o.annotations) {
    if (a.packet_index >= o.packets.size()) continue;
    const Packet& p = o.packets[a.packet_index];
    PacketInfo& info = out[a.packet_index];
    const std::string& conn = a.connection.empty() ? p.connection : a.connection;
    const std::string text = annotation_text(a);
    info.annotations.push_back(conn == p.connection ? text : fmt::format("{}: {}", conn, text));
    if (conn == p.connection && outcome::is_drop(a.reason)) info.dropped = true;
    if (outcome::names_duplicate_ack(a.reason)) info.duplicate_ack_noted = true;
  }

  for (std::size_t i = 0; i < o.packets.size(); ++i) {
    const Packet& p = o.packets[i];
    PacketInfo& info = out[i];
    info.connection = p.connection;
    Conn& c = conns[p.connection];
    Side& side = p.from_client ? c.client : c.server;
    const bool syn = p.flags & kSyn;
    const bool ack = p.flags & kAck;
    info.mark = outcome::segment_kind(p);

    if (syn) {
      info.retransmission = side.sent_syn;
      side.sent_syn = true;
    }
    if (p.length > 0) {
      std::uint32_t end = p.seq + p.length;
      if (side.end && !seq::after(end, *side.end)) info.retransmission = true;
      if (!side.end || seq::after(end, *side.end)) side.end = end;
    }
    if (info.mark == PacketMark::ack) {
      info.dup_ack = !p.options.sack.empty() || info.duplicate_ack_noted ||
                     (p.from_client && c.client_acked && c.last_server_synack_retx);
    }
    if (p.from_client && ack && !syn) c.client_acked = true;
    if (!p.from_client) c.last_server_synack_retx = info.mark == PacketMark::synack && info.retransmission;
  }
  return out;
}

// --- BrokenAxis -------------------------------------------------------------

namespace {
constexpr double kPadWeight = 0.8;  // empty space before the first and after the last knot
}

BrokenAxis::BrokenAxis(std::vector<std::int64_t> times_ns, double x0, double width) : x0_(x0), width_(width) {
  std::sort(times_ns.begin(), times_ns.end());
  times_ns.erase(std::unique(times_ns.begin(), times_ns.end()), times_ns.end());
  if (times_ns.empty()) times_ns.push_back(0);

  std::int64_t resolution = 1'000;  // 1 us
  for (;;) {
    knots_.clear();
    for (std::int64_t t : times_ns) {
      if (knots_.empty() || t - knots_.back() >= resolution) knots_.push_back(t);
    }
    if (knots_.size() <= kMaxKnots) break;
    resolution *= 2;
  }
  if (knots_.size() == 1) knots_.push_back(knots_.front() + 1'000'000);

  std::vector<double> cum{kPadWeight};
  for (std::size_t i = 1; i < knots_.size(); ++i) {
    double gap = static_cast<double>(knots_[i] - knots_[i - 1]);
    cum.push_back(cum.back() + std::log10(1.0 + gap / static_cast<double>(resolution)));
  }
  double total = cum.back() + kPadWeight;
  for (double c : cum) xs_.push_back(x0_ + width_ * c / total);
}

double BrokenAxis::x(std::int64_t t) const {
  if (t <= knots_.front()) return xs_.front();
  if (t >= knots_.back()) return xs_.back();
  auto it = std::upper_bound(knots_.begin(), knots_.end(), t);
  std::size_t k = static_cast<std::size_t>(it - knots_.begin());  // knots_[k-1] <= t < knots_[k]
  double f = static_cast<double>(t - knots_[k - 1]) / static_cast<double>(knots_[k] - knots_[k - 1]);
  return xs_[k - 1] + f * (xs_[k] - xs_[k - 1]);
}

std::vector<BrokenAxis::Tick> BrokenAxis::ticks(double min_spacing) const {
  std::vector<std::size_t> order(knots_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto gap_before = [&](std::size_t i) {
    return i == 0 ? std::numeric_limits<std::int64_t>::max() : knots_[i] - knots_[i - 1];
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return gap_before(a) > gap_before(b); });
  std::vector<Tick> chosen;
  for (std::size_t i : order) {
    bool fits = std::all_of(chosen.begin(), chosen.end(),
                            [&](const Tick& t) { return std::abs(t.x - xs_[i]) >= min_spacing; });
    if (fits) chosen.push_back({knots_[i], xs_[i]});
  }
  std::sort(chosen.begin(), chosen.end(), [](const Tick& a, const Tick& b) { return a.t_ns < b.t_ns; });
  return chosen;
}

std::vector<BrokenAxis::Gap> BrokenAxis::gaps(std::int64_t min_ns) const {
  std::vector<Gap> out;
  for (std::size_t i = 1; i < knots_.size(); ++i) {
    if (knots_[i] - knots_[i - 1] > min_ns) out.push_back({knots_[i - 1], knots_[i], xs_[i - 1], xs_[i]});
  }
  return out;
}

// --- LogAxis ----------------------------------------------------------------

LogAxis::LogAxis(std::int64_t lo_ns, std::int64_t hi_ns, double x0, double width) : x0_(x0), width_(width) {
  lo_ns = std::max<std::int64_t>(lo_ns, 1);
  hi_ns = std::max(hi_ns, lo_ns);
  // Whole decades, counted in integers so the bounds are exact.
  int lo = 0;
  for (std::int64_t p = 10; p <= lo_ns; p *= 10) ++lo;
  int hi = 0;
  for (std::int64_t p = 1; p < hi_ns && hi < 18; p *= 10) ++hi;
  if (hi <= lo) hi = lo + 1;
  lo_log_ = lo;
  hi_log_ = hi;
}

double LogAxis::x(std::int64_t ns) const {
  double l = std::log10(static_cast<double>(std::max<std::int64_t>(ns, 1)));
  l = std::clamp(l, lo_log_, hi_log_);
  return x0_ + width_ * (l - lo_log_) / (hi_log_ - lo_log_);
}

std::vector<std::int64_t> LogAxis::decades() const {
  std::vector<std::int64_t> out;
  std::int64_t p = 1;
  for (int i = 0; i < static_cast<int>(lo_log_); ++i) p *= 10;
  for (int i = static_cast<int>(lo_log_); i <= static_cast<int>(hi_log_); ++i, p *= 10) out.push_back(p);
  return out;
}

}  // namespace synsim::report
