// The HTML report's timeline: one swimlane per connection and side, with
// phase bars and a mark per packet.
#include "sim/report/html_parts.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "sim/compare/compare.h"
#include "sim/outcome/judge.h"
#include "sim/report/tcpdump.h"

namespace synsim::report::detail {

namespace {

// --- colours ----------------------------------------------------------------
struct MarkStyle {
  const char* css;    // class suffix
  const char* label;  // legend
  const char* colour;
};
constexpr MarkStyle kSynStyle{"syn", "SYN", "#2563eb"};
constexpr MarkStyle kSynAckStyle{"synack", "SYN-ACK", "#7c3aed"};
constexpr MarkStyle kAckStyle{"ack", "ACK", "#94a3b8"};
constexpr MarkStyle kDataStyle{"data", "data", "#16a34a"};
constexpr MarkStyle kRtxStyle{"rtx", "retransmission", "#ea580c"};
constexpr MarkStyle kDupStyle{"dup", "challenge / dup ACK", "#d97706"};
constexpr MarkStyle kFinStyle{"fin", "FIN", "#0f766e"};
constexpr MarkStyle kRstStyle{"rst", "RST", "#dc2626"};

const MarkStyle& style_of(const PacketInfo& info) {
  if (info.mark == PacketMark::rst) return kRstStyle;
  if (info.retransmission) return kRtxStyle;
  if (info.dup_ack) return kDupStyle;
  switch (info.mark) {
    case PacketMark::syn: return kSynStyle;
    case PacketMark::synack: return kSynAckStyle;
    case PacketMark::ack: return kAckStyle;
    case PacketMark::data: return kDataStyle;
    case PacketMark::fin: return kFinStyle;
    case PacketMark::rst: return kRstStyle;
  }
  return kAckStyle;
}

std::string packet_title(const Packet& p, const PacketInfo& info, const std::string& side) {
  std::string text = fmt::format("{} {}  {}  [{}] {}", side, format_seconds(p.time), p.connection,
                                 tcpdump_flags(p.flags), compare::packet_kind(p));
  text += fmt::format("\nseq {} ack {} len {} win {}", p.seq, p.ack, p.length, p.window);
  if (info.retransmission) text += "\nretransmission";
  if (info.dup_ack) text += "\nchallenge / duplicate ACK";
  for (const auto& a : info.annotations) text += "\n• " + a;
  return esc(text);
}

// Client packets point down from above the bars, server packets up from below.
std::string packet_mark(double x, bool from_client, const PacketInfo& info, const std::string& title) {
  const MarkStyle& st = style_of(info);
  std::string shape;
  double cy = from_client ? 8 : kLaneH - 8;
  if (from_client) {
    shape = fmt::format("M{} 2.5L{} 2.5L{} 13Z", num(x - 4.5), num(x + 4.5), num(x));
  } else {
    shape = fmt::format("M{} {}L{} {}L{} {}Z", num(x - 4.5), num(kLaneH - 2.5), num(x + 4.5), num(kLaneH - 2.5),
                        num(x), num(kLaneH - 13));
  }
  std::string out = fmt::format("<g class=\"pk k-{}{}\"><title>{}</title><path d=\"{}\" fill=\"{}\"{}/>", st.css,
                                info.dropped ? " dropped" : "", title, shape, st.colour,
                                "");
  if (info.dropped) {
    // A red cross beside the triangle, leaving its colour visible.
    cy = from_client ? 5.5 : kLaneH - 5.5;
    x += 8;
    double d = 2.6;
    out += fmt::format("<g class=\"drop\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><line x1=\"{}\" y1=\"{}\" "
                       "x2=\"{}\" y2=\"{}\"/></g>",
                       num(x - d), num(cy - d), num(x + d), num(cy + d), num(x - d), num(cy + d), num(x + d),
                       num(cy - d));
  }
  out += "</g>\n";
  return out;
}

struct Bar {
  const char* cls;
  const char* what;
  std::int64_t from = 0;
  std::int64_t to = 0;
  bool open_end = false;
  int row = 0;  // 0: connection state, 1: request
};

std::vector<Bar> bars_of(const ConnectionRecord& c, std::int64_t axis_end) {
  std::vector<Bar> bars;
  auto t = [](const std::optional<Time>& v) { return v ? std::optional<std::int64_t>(to_ns(*v)) : std::nullopt; };
  const auto closed = t(c.closed);
  auto add = [&](const char* cls, const char* what, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                 int row) {
    if (!from) return;
    Bar b{cls, what, *from, 0, false, row};
    if (to) {
      b.to = *to;
    } else if (closed) {
      b.to = *closed;
    } else {
      b.to = std::max(axis_end, *from);
      b.open_end = true;
    }
    if (b.to >= b.from) bars.push_back(b);
  };
  add("ph-connect", "connecting", t(c.connect_start), t(c.connect_done), 0);
  add("ph-wait", "waiting for accept", t(c.connect_done), t(c.accepted), 0);
  add("ph-accepted", "accepted", t(c.accepted), closed, 0);
  bool stalled = c.first_data_sent && (!c.data_delivered || outcome::stalled(c));
  add(stalled ? "ph-stall" : "ph-flight", stalled ? "data stalled" : "request in flight", t(c.first_data_sent),
      t(c.data_delivered), 1);
  if (c.data_delivered) {
    auto end = c.response_received ? t(c.response_received) : closed;
    add("ph-delivered", "delivered", t(c.data_delivered), end, 1);
  }
  return bars;
}

// The state family a socket strip is drawn in (CSS st-*).
const char* state_family(outcome::TcpState s) {
  switch (s) {
    case outcome::TcpState::syn_sent:
    case outcome::TcpState::syn_recv: return "open";
    case outcome::TcpState::established: return "est";
    case outcome::TcpState::fin_wait1:
    case outcome::TcpState::fin_wait2:
    case outcome::TcpState::time_wait:
    case outcome::TcpState::close:
    case outcome::TcpState::close_wait:
    case outcome::TcpState::last_ack:
    case outcome::TcpState::listen:
    case outcome::TcpState::closing: return "closing";
  }
  return "closing";
}

// The server side's state with what holds it: the listener's request sock,
// or a child in the accept queue or the application's.
std::string server_state_words(const outcome::SocketView& v) {
  std::string words = outcome::netstat_name(v.state);
  if (v.state == outcome::TcpState::syn_recv) return words + " (request sock)";
  if (v.state == outcome::TcpState::established || v.state == outcome::TcpState::close_wait) {
    words += v.accepted ? " (accepted)" : " (in the accept queue)";
  }
  return words;
}

// The connection's two sockets as netstat lists them (outcome/sockets.h):
// a thin strip each under the bars, client above server, one segment per
// listed sample, orange where an ESTABLISHED socket's queue the 2003 report
// read holds bytes (the client's Send-Q: its request unacked; the server's
// Recv-Q: unread). Elsewhere a queue may hold only a SYN or a FIN.
std::string socket_strips(const ConnectionRecord& c, const std::string& side, const std::string& name,
                          const BrokenAxis& axis) {
  std::string out;
  for (const bool server : {false, true}) {
    const std::vector<outcome::SocketSample>& series = server ? c.sockets.server : c.sockets.client;
    for (std::size_t i = 0; i < series.size(); ++i) {
      const outcome::SocketView& v = series[i].view;
      if (v.state == outcome::TcpState::close) continue;
      const bool last = i + 1 == series.size();
      const double x0 = axis.x(to_ns(series[i].time));
      const double x1 = last ? axis.x1() : axis.x(to_ns(series[i + 1].time));
      const bool queued = v.state == outcome::TcpState::established && (server ? v.recv_q > 0 : v.send_q > 0);
      const std::string title =
          fmt::format("{} {} {} {}, Recv-Q {}, Send-Q {}: {} → {}", side, name, server ? "server" : "client",
                      server ? server_state_words(v) : std::string(outcome::netstat_name(v.state)), v.recv_q,
                      v.send_q, format_seconds(series[i].time),
                      last ? "the end of the run" : format_seconds(series[i + 1].time));
      out += fmt::format("<rect class=\"sk sk-{} st-{}{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"2.5\">"
                         "<title>{}</title></rect>\n",
                         server ? "server" : "client", state_family(v.state), queued ? " queued" : "", num(x0),
                         server ? "31" : "28", num(std::max(1.0, x1 - x0)), esc(title));
    }
  }
  return out;
}

std::string lane(const SideData& s, const std::string& name, const BrokenAxis& axis, double y, bool first_of_conn) {
  const ConnectionRecord* c = record(s, name);
  std::string out = fmt::format("<g class=\"lane\" data-side=\"{}\" data-connection=\"{}\" transform=\"translate(0,{})\">\n",
                                esc(s.label), esc(name), num(y));
  out += fmt::format("<rect class=\"lane-bg\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" rx=\"3\"/>\n", num(kWidth),
                     num(kLaneH));
  if (first_of_conn) {
    out += fmt::format("<text class=\"lname\" x=\"10\" y=\"{}\">{}</text>\n", num(kLaneH / 2 + 4), esc(name));
  }
  std::uint16_t port = c != nullptr ? c->client_port : 0;
  if (port == 0) {
    auto it = s.packets_of.find(name);
    if (it != s.packets_of.end() && !it->second.empty()) {
      const Packet& p = s.o->packets[it->second.front()];
      port = p.from_client ? p.src_port : p.dst_port;
    }
  }
  out += fmt::format("<text class=\"lside\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{} :{}</text>\n", num(kPlotX0 - 10),
                     num(kLaneH / 2 + 4), esc(s.label), port);

  // Phase bars.
  if (c != nullptr) {
    for (const Bar& b : bars_of(*c, axis.last())) {
      double x0 = axis.x(b.from);
      double x1 = b.open_end ? axis.x1() : axis.x(b.to);
      double w = std::max(1.5, x1 - x0);
      double by = b.row == 0 ? 15 : 21.5;
      std::string until = b.open_end ? "still open at the end of the run" : format_seconds(at_ns(b.to));
      std::string title = fmt::format("{} {}: {} {} → {}", s.label, name, b.what, format_seconds(at_ns(b.from)), until);
      if (!b.open_end) title += fmt::format(" ({})", format_duration(Duration{b.to - b.from}));
      out += fmt::format("<rect class=\"ph {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"5.5\" rx=\"1.5\"><title>{}</title></rect>\n",
                         b.cls, num(x0), num(by), num(w), esc(title));
    }
    out += socket_strips(*c, s.label, name, axis);
  }

  // Packets.
  auto it = s.packets_of.find(name);
  if (it != s.packets_of.end()) {
    for (std::size_t i : it->second) {
      const Packet& p = s.o->packets[i];
      out += packet_mark(axis.x(to_ns(p.time)), p.from_client, s.infos[i], packet_title(p, s.infos[i], s.label));
    }
  }

  // Status on the right.
  if (c != nullptr) {
    auto stall = c->stall();
    std::string status;
    bool bad = c->outcome != ConnectionOutcome::completed && c->outcome != ConnectionOutcome::open_at_end;
    if (bad) {
      status = c->error.empty() ? outcome::to_string(c->outcome) : c->error;
    } else if (stall) {
      status = "stall " + format_duration(*stall);
      bad = outcome::stalled(*c);
    } else {
      status = outcome::to_string(c->outcome);
    }
    out += fmt::format("<text class=\"lstatus{}\" x=\"{}\" y=\"{}\">{}</text>\n", bad ? " bad" : "", num(kPlotX1 + 12),
                       num(kLaneH / 2 + 4), esc(status));
  } else {
    out += fmt::format("<text class=\"lstatus\" x=\"{}\" y=\"{}\">no record</text>\n", num(kPlotX1 + 12),
                       num(kLaneH / 2 + 4));
  }
  out += "</g>\n";
  return out;
}

}  // namespace

std::string legend() {
  std::string out = "<div class=\"legend\">";
  for (const MarkStyle* st : {&kSynStyle, &kSynAckStyle, &kAckStyle, &kDataStyle, &kRtxStyle, &kDupStyle, &kFinStyle,
                              &kRstStyle}) {
    out += fmt::format("<span><svg width=\"12\" height=\"12\"><path d=\"M1 1L11 1L6 11Z\" fill=\"{}\"/></svg>{}</span>",
                       st->colour, st->label);
  }
  out += "<span><svg width=\"20\" height=\"12\"><path d=\"M1 1L11 1L6 11Z\" fill=\"#16a34a\"/>"
         "<g stroke=\"#dc2626\" stroke-width=\"1.7\" stroke-linecap=\"round\">"
         "<line x1=\"12.5\" y1=\"1.5\" x2=\"17.5\" y2=\"6.5\"/><line x1=\"12.5\" y1=\"6.5\" x2=\"17.5\" y2=\"1.5\"/>"
         "</g></svg>dropped</span>";
  out += "<span>▼ client → server &nbsp; ▲ server → client</span>";
  out += "</div><div class=\"legend\">";
  struct PhaseKey {
    const char* fill;
    std::string label;
  };
  for (const PhaseKey& k : {PhaseKey{"#93c5fd", "connecting"}, PhaseKey{"#fcd34d", "waiting for accept"},
                            PhaseKey{"#cbd5e1", "accepted"}, PhaseKey{"#a5b4fc", "request in flight"},
                            PhaseKey{"url(#hatch-l)", "data stalled (&gt; " + format_duration(outcome::kStallThreshold) + ")"}, PhaseKey{"#86efac", "delivered"}}) {
    out += fmt::format("<span><svg width=\"22\" height=\"10\">{}<rect width=\"22\" height=\"10\" rx=\"2\" fill=\"{}\"/></svg>{}</span>",
                       std::string_view(k.fill).starts_with("url")
                           ? "<defs><pattern id=\"hatch-l\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                             "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fecaca\"/>"
                             "<rect width=\"3\" height=\"6\" fill=\"#ef4444\"/></pattern></defs>"
                           : "",
                       k.fill, k.label);
  }
  out += "<span>upper bar: the connection (client and listener) · lower bar: the request</span></div>\n";
  out += "<div class=\"legend\"><span>thin strips: the client socket above the server side, as netstat lists "
         "them (hover for state, Recv-Q, Send-Q):</span>";
  for (const PhaseKey& k : {PhaseKey{"#93c5fd", "SYN_SENT / SYN_RECV"}, PhaseKey{"#94a3b8", "ESTABLISHED"},
                            PhaseKey{"#e2e8f0", "closing, TIME_WAIT"},
                            PhaseKey{"#ea580c", "ESTABLISHED, bytes held: the client's Send-Q, the server's Recv-Q"}}) {
    out += fmt::format("<span><svg width=\"22\" height=\"6\"><rect width=\"22\" height=\"6\" fill=\"{}\"/></svg>{}"
                       "</span>",
                       k.fill, k.label);
  }
  out += "</div>\n";
  return out;
}

std::vector<std::int64_t> axis_times(const std::vector<const SideData*>& sides, const std::vector<std::string>& names) {
  std::vector<std::int64_t> times{0};
  std::set<std::string> shown(names.begin(), names.end());
  for (const SideData* s : sides) {
    for (const auto& n : names) {
      if (const ConnectionRecord* c = record(*s, n)) {
        for (const auto& t : {c->connect_start, c->connect_done, c->first_data_sent, c->accepted, c->data_delivered,
                              c->response_received, c->closed}) {
          if (t) times.push_back(to_ns(*t));
        }
      }
      auto it = s->packets_of.find(n);
      if (it == s->packets_of.end()) continue;
      for (std::size_t i : it->second) times.push_back(to_ns(s->o->packets[i].time));
    }
    for (const auto& q : s->o->queues) times.push_back(to_ns(q.time));
  }
  return times;
}

std::string swimlanes(const std::vector<const SideData*>& sides, const std::vector<std::string>& names,
                      const BrokenAxis& axis) {
  std::size_t lanes = 0;
  for (const auto& n : names) {
    for (const SideData* s : sides) {
      if (record(*s, n) != nullptr || s->packets_of.count(n)) ++lanes;
    }
  }
  double height = kAxisH + static_cast<double>(lanes) * kLaneH + static_cast<double>(names.size()) * kConnGap + kAxisH;
  std::string out = svg_open(height, "swimlanes", "connections over time");
  out += defs();
  double top = kAxisH;
  double bottom = height - kAxisH + 4;
  out += time_axis(axis, top - 4, true, top - 4, bottom, true);
  out += fmt::format("<text class=\"ylabel\" x=\"10\" y=\"{}\">connection</text>", num(top - 12));
  out += fmt::format("<text class=\"ylabel\" x=\"{}\" y=\"{}\">outcome</text>\n", num(kPlotX1 + 12), num(top - 28));
  double y = top;
  std::size_t conn_no = 0;
  for (const auto& n : names) {
    out += fmt::format("<g class=\"conn{}\" data-connection=\"{}\">\n", conn_no % 2 == 1 ? " conn-odd" : "", esc(n));
    bool first = true;
    for (const SideData* s : sides) {
      if (record(*s, n) == nullptr && !s->packets_of.count(n)) continue;
      out += lane(*s, n, axis, y, first);
      first = false;
      y += kLaneH;
    }
    out += "</g>\n";
    y += kConnGap;
    ++conn_no;
  }
  out += time_axis(axis, bottom, false, bottom, bottom, false);
  out += fmt::format("<text class=\"ylabel\" x=\"{}\" y=\"{}\" text-anchor=\"end\">time since the run started "
                     "(broken axis)</text>\n",
                     num(kPlotX1), num(bottom + 34));
  out += "</svg>\n";
  return out;
}

}  // namespace synsim::report::detail
