#include "sim/report/html.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/outcome/judge.h"
#include "sim/report/reason_text.h"

#include "sim/report/tcpdump.h"

namespace synsim::report {

namespace {

using outcome::ConnectionOutcome;
using outcome::ConnectionRecord;
using outcome::Outcome;
using outcome::Packet;

std::string esc(std::string_view s) { return html_escape(s); }
std::string num(double v) { return svg_num(v); }


// --- page geometry (px) -----------------------------------------------------
constexpr double kWidth = 1312;       // every SVG: the width inside a section
constexpr double kPlotX0 = 176;       // left of the time axis
constexpr double kPlotX1 = 1212;      // right of the time axis; the status column follows
constexpr double kLaneH = 40;
constexpr double kConnGap = 6;
constexpr double kAxisH = 44;

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

const char* kCss = R"css(
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--ok:#15803d;--bad:#b91c1c;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
main{width:1380px;margin:0 auto;padding:20px 14px 40px}
h1{font-size:24px;margin:4px 0 2px;font-weight:650;letter-spacing:-.01em}
h2{font-size:17px;margin:0 0 4px;font-weight:650}
.sub{color:var(--muted);margin:0 0 14px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 16px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
section>p.note{color:var(--muted);margin:0 0 10px;font-size:12.5px;max-width:1100px}
code,pre,.mono,td.num,td.t{font-family:"JetBrains Mono","SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
.verdict{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
.badge{display:inline-block;padding:6px 14px;border-radius:8px;font-weight:700;font-size:18px;letter-spacing:.04em;color:#fff}
.badge.agree{background:var(--ok)}.badge.disagree{background:var(--bad)}.badge.model{background:#334155}
.runs{color:var(--muted);font-size:13px}
ol.disagreements{margin:12px 0 4px;padding-left:22px;color:var(--bad)}
ol.disagreements li{margin:2px 0}
ol.disagreements li span{color:var(--ink)}
details.more{border:none;background:none;margin:0}
details.more>summary{font-weight:400;color:var(--muted);padding:2px 0}
.tiles{display:flex;gap:12px;margin-top:14px;flex-wrap:wrap}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:150px;background:#fcfdfe}
.tile b{display:block;font-size:20px;font-weight:650}
.tile span{color:var(--muted);font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0 8px;font-size:12.5px;color:#334155;align-items:center}
.legend svg{vertical-align:middle;margin-right:5px}
svg text{font-family:-apple-system,"Segoe UI",Roboto,Arial,"DejaVu Sans",sans-serif}
svg .tick{font-size:10.5px;fill:#475569}
svg .gaplabel{font-size:10px;fill:#94a3b8;font-style:italic}
svg .grid{stroke:#eef2f7;stroke-width:1}
svg .axisline{stroke:#94a3b8;stroke-width:1}
svg .lname{font-size:12.5px;font-weight:600;fill:var(--ink)}
svg .lside{font-size:10.5px;fill:var(--muted)}
svg .lstatus{font-size:11px;fill:#334155}
svg .lstatus.bad{fill:var(--bad);font-weight:600}
svg .lane-bg{fill:#f8fafc}
svg .conn-odd .lane-bg{fill:#f1f5f9}
svg .ph-connect{fill:#93c5fd}
svg .ph-wait{fill:#fcd34d}
svg .ph-accepted{fill:#cbd5e1}
svg .ph-flight{fill:#a5b4fc}
svg .ph-stall{fill:url(#hatch)}
svg .ph-delivered{fill:#86efac}
svg .pk{stroke:#fff;stroke-width:.6}
svg .drop line{stroke:#dc2626;stroke-width:1.7;stroke-linecap:round}
svg .q-syn{fill:none;stroke:#2563eb;stroke-width:1.8}
svg .q-accept{fill:none;stroke:#ea580c;stroke-width:1.8}
svg .q-limit{stroke:#b91c1c;stroke-width:1.2;stroke-dasharray:5 4}
svg .q-limit-label{font-size:10.5px;fill:#b91c1c}
svg .ylabel{font-size:11px;fill:#475569}
svg .ptitle{font-size:13px;font-weight:600;fill:var(--ink)}
svg .cdf-model{fill:none;stroke:#2563eb;stroke-width:2}
svg .cdf-kernel{fill:none;stroke:#ea580c;stroke-width:2;stroke-dasharray:6 3}
svg .dot-model{fill:#2563eb}
svg .dot-kernel{fill:#ea580c}
svg .threshold{stroke:#94a3b8;stroke-dasharray:3 3}
svg .empty{font-size:12px;fill:var(--muted);font-style:italic}
table{border-collapse:collapse;width:100%;font-size:12.5px}
table.counters{width:auto;min-width:760px}
th{font-weight:600;text-align:left;color:#334155;border-bottom:2px solid var(--line);padding:5px 8px;white-space:nowrap;background:#f8fafc}
td{border-bottom:1px solid #f1f5f9;padding:4px 8px;white-space:nowrap}
td.num,th.num{text-align:right}
tr.k td{color:#475569}
tr.first td{border-top:1px solid var(--line)}
td.bad{color:var(--bad);font-weight:600;background:#fef2f2}
td.ok{color:var(--ok);font-weight:600}
.twocol{display:grid;grid-template-columns:1fr 1fr;gap:20px}
details{border:1px solid var(--line);border-radius:8px;margin:8px 0;background:#fcfdfe}
details>summary{cursor:pointer;padding:8px 12px;font-weight:600}
details>summary .muted{color:var(--muted);font-weight:400}
ol.expl{margin:0;padding:4px 14px 10px 14px;list-style:none}
ol.expl li{padding:1px 0;font-size:12.5px}
ol.expl li .t{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;color:var(--accent);font-size:11.5px;margin-right:10px;display:inline-block;min-width:70px}
ol.expl li.sum{font-weight:600;margin-top:4px}
ol.expl li.drop{color:#991b1b}
pre.scenario{background:#0f172a;color:#e2e8f0;padding:14px 16px;border-radius:8px;overflow:auto;max-height:640px;margin:0}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
)css";

// --- data gathered from one side ---------------------------------------------

struct SideData {
  const Outcome* o = nullptr;
  std::string label;  // "model" / "kernel"
  std::vector<PacketInfo> infos;
  std::map<std::string, const ConnectionRecord*> records;
  std::map<std::string, std::vector<std::size_t>> packets_of;  // connection -> packet indexes
};

SideData gather(const Outcome* o, std::string label) {
  SideData s;
  s.o = o;
  s.label = std::move(label);
  if (o == nullptr) return s;
  s.infos = classify_packets(*o);
  for (const auto& c : o->connections) s.records.emplace(c.name, &c);
  for (std::size_t i = 0; i < o->packets.size(); ++i) s.packets_of[o->packets[i].connection].push_back(i);
  return s;
}

const ConnectionRecord* record(const SideData& s, const std::string& name) {
  auto it = s.records.find(name);
  return it == s.records.end() ? nullptr : it->second;
}

bool notable(const ConnectionRecord* c) {
  if (c == nullptr) return false;
  return !c->explanation.empty() || c->outcome != ConnectionOutcome::completed || outcome::stalled(*c);
}

std::string outcome_text(const ConnectionRecord& c) {
  std::string text = outcome::to_string(c.outcome);
  if (!c.error.empty()) text += " (" + c.error + ")";
  return text;
}

std::string time_or_dash(const std::optional<Time>& t) { return t ? format_seconds(*t) : "-"; }

// Connection names in model order, then kernel-only ones.
std::vector<std::string> all_names(const SideData& m, const SideData& k) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const SideData* s : {&m, &k}) {
    if (s->o == nullptr) continue;
    for (const auto& c : s->o->connections) {
      if (seen.insert(c.name).second) names.push_back(c.name);
    }
  }
  return names;
}

// Up to `limit` names: notable ones first, the result in scenario order.
std::vector<std::string> pick(const std::vector<std::string>& names, const SideData& m, const SideData& k,
                              std::size_t limit) {
  std::set<std::string> chosen;
  for (const auto& n : names) {
    if (chosen.size() < limit && (notable(record(m, n)) || notable(record(k, n)))) chosen.insert(n);
  }
  for (const auto& n : names) {
    if (chosen.size() < limit) chosen.insert(n);
  }
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (chosen.count(n)) out.push_back(n);
  }
  return out;
}

// --- SVG pieces ---------------------------------------------------------------

std::string svg_open(double height, std::string_view cls, std::string_view label) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      cls, num(kWidth), num(height), num(kWidth), num(height), esc(label));
}

std::string defs() {
  return "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fecaca\"/>"
         "<rect width=\"3\" height=\"6\" fill=\"#ef4444\"/></pattern></defs>\n";
}

// A duration to 3 significant digits, for labels: "208ms", "60ms", "2.91s".
std::string rounded_duration(std::int64_t ns) {
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  Unit u = ns >= 1'000'000'000 ? Unit{1'000'000'000, "s"} : ns >= 1'000'000 ? Unit{1'000'000, "ms"}
           : ns >= 1'000           ? Unit{1'000, "us"}
                                   : Unit{1, "ns"};
  double v = static_cast<double>(ns) / static_cast<double>(u.ns);
  std::string text = fmt::format("{:.{}f}", v, v >= 100 ? 0 : v >= 10 ? 1 : 2);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text + u.name;
}

// Tick labels and grid lines for the shared time axis. `label_y` is where
// the labels go; grid lines run from grid_y0 to grid_y1.
std::string time_axis(const BrokenAxis& axis, double axis_y, bool labels_above, double grid_y0, double grid_y1,
                      bool gap_labels) {
  std::string out = "<g class=\"axis\">\n";
  const auto ticks = axis.ticks(62);
  for (const auto& t : ticks) {
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", num(t.x), num(grid_y0),
                       num(grid_y1));
  }
  out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n", num(axis.x0()),
                     num(axis.x1()), num(axis_y));
  for (const auto& t : ticks) {
    double y2 = labels_above ? axis_y - 4 : axis_y + 4;
    out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>", num(t.x), num(axis_y),
                       num(y2));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(t.x),
                       num(labels_above ? axis_y - 8 : axis_y + 15), esc(axis_time_label(t.t_ns)));
  }
  if (gap_labels) {
    // Only where the label fits inside its gap (about 5.5 px a character).
    for (const auto& g : axis.gaps(10'000'000)) {
      std::string text = "+" + rounded_duration(g.to_ns - g.from_ns);
      double w = 5.5 * static_cast<double>(text.size()) + 10;
      if (g.x_to - g.x_from < w) continue;
      double mid = (g.x_from + g.x_to) / 2;
      double y = labels_above ? axis_y - 24 : axis_y + 29;
      out += fmt::format("<text class=\"gaplabel\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(mid),
                         num(y), esc(text));
    }
  }
  out += "</g>\n";
  return out;
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
    const char* label;
  };
  for (const PhaseKey& k : {PhaseKey{"#93c5fd", "connecting"}, PhaseKey{"#fcd34d", "waiting for accept"},
                            PhaseKey{"#cbd5e1", "accepted"}, PhaseKey{"#a5b4fc", "request in flight"},
                            PhaseKey{"url(#hatch-l)", "data stalled (&gt; 190ms)"}, PhaseKey{"#86efac", "delivered"}}) {
    out += fmt::format("<span><svg width=\"22\" height=\"10\">{}<rect width=\"22\" height=\"10\" rx=\"2\" fill=\"{}\"/></svg>{}</span>",
                       std::string_view(k.fill).starts_with("url")
                           ? "<defs><pattern id=\"hatch-l\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                             "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fecaca\"/>"
                             "<rect width=\"3\" height=\"6\" fill=\"#ef4444\"/></pattern></defs>"
                           : "",
                       k.fill, k.label);
  }
  out += "<span>upper bar: the connection (client and listener) · lower bar: the request</span></div>\n";
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

std::string queue_plots(const std::vector<const SideData*>& sides, const BrokenAxis& axis) {
  constexpr double kPlotH = 120;
  constexpr double kTop = 26;
  constexpr double kBlock = kTop + kPlotH + 22;
  double height = kAxisH + kBlock * static_cast<double>(sides.size()) + 6;
  std::string out = svg_open(height, "queues", "listener queue depths over time");
  double axis_y = height - kAxisH + 6;
  out += time_axis(axis, axis_y, false, 8, axis_y, false);
  for (std::size_t si = 0; si < sides.size(); ++si) {
    const SideData& s = *sides[si];
    const Outcome& o = *s.o;
    double y0 = static_cast<double>(si) * kBlock;
    out += fmt::format("<g class=\"queue-plot\" data-side=\"{}\" transform=\"translate(0,{})\">\n", esc(s.label), num(y0));
    out += fmt::format("<text class=\"ptitle\" x=\"10\" y=\"{}\">{}</text>\n", num(kTop + 2), esc(s.label));
    out += fmt::format("<text class=\"lside\" x=\"10\" y=\"{}\">{}</text>\n", num(kTop + 17), esc(o.info.kernel));
    std::int64_t max_v = std::max<std::int64_t>(o.accept_queue_limit, 1);
    for (const auto& q : o.queues) max_v = std::max({max_v, q.syn_queue, q.accept_queue});
    max_v += 1;
    auto yv = [&](std::int64_t v) {
      return kTop + kPlotH - kPlotH * static_cast<double>(v) / static_cast<double>(max_v);
    };
    std::int64_t step = 1;
    while (max_v / step > 5) step = step == 1 ? 2 : step == 2 ? 5 : step * 2;
    for (std::int64_t v = 0; v <= max_v; v += step) {
      out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>", num(kPlotX0), num(kPlotX1),
                         num(yv(v)));
      out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", num(kPlotX0 - 6),
                         num(yv(v) + 3.5), v);
    }
    out += fmt::format("<text class=\"ylabel\" transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\">"
                       "depth (sockets)</text>\n",
                       num(kPlotX0 - 30), num(kTop + kPlotH / 2));
    out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", num(kPlotX0),
                       num(kTop), num(kTop + kPlotH));
    if (o.queues.empty()) {
      out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"{}\">no queue samples recorded on this side</text>\n",
                         num(kPlotX0 + 20), num(kTop + kPlotH / 2));
    } else {
      auto path = [&](auto value) {
        std::string d;
        for (std::size_t i = 0; i < o.queues.size(); ++i) {
          double x = axis.x(to_ns(o.queues[i].time));
          double y = yv(value(o.queues[i]));
          d += i == 0 ? fmt::format("M{} {}", num(x), num(y)) : fmt::format("H{}V{}", num(x), num(y));
        }
        d += fmt::format("H{}", num(axis.x1()));
        return d;
      };
      out += fmt::format("<path class=\"q-syn\" d=\"{}\"><title>{}: SYN queue (request socks)</title></path>\n",
                         path([](const outcome::QueueSample& q) { return q.syn_queue; }), esc(s.label));
      out += fmt::format("<path class=\"q-accept\" d=\"{}\"><title>{}: accept queue (children waiting for accept())</title></path>\n",
                         path([](const outcome::QueueSample& q) { return q.accept_queue; }), esc(s.label));
    }
    if (o.accept_queue_limit > 0) {
      double ly = yv(o.accept_queue_limit);
      out += fmt::format("<line class=\"q-limit\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>", num(kPlotX0),
                         num(kPlotX1), num(ly));
      out += fmt::format("<text class=\"q-limit-label\" x=\"{}\" y=\"{}\">limit {}</text>\n", num(kPlotX1 + 8),
                         num(ly + 3.5), o.accept_queue_limit);
    }
    // Legend, top right of the block.
    out += fmt::format("<g transform=\"translate({},{})\"><line class=\"key q-syn\" x1=\"0\" x2=\"18\" y1=\"0\" y2=\"0\"/>"
                       "<text class=\"tick\" x=\"24\" y=\"3.5\">SYN queue</text>"
                       "<line class=\"key q-accept\" x1=\"100\" x2=\"118\" y1=\"0\" y2=\"0\"/>"
                       "<text class=\"tick\" x=\"124\" y=\"3.5\">accept queue</text>"
                       "<line class=\"key q-limit\" x1=\"210\" x2=\"228\" y1=\"0\" y2=\"0\"/>"
                       "<text class=\"tick\" x=\"234\" y=\"3.5\">limit</text></g>\n",
                       num(kPlotX1 - 270), num(kTop - 12));
    out += "</g>\n";
  }
  out += fmt::format("<text class=\"ylabel\" x=\"{}\" y=\"{}\" text-anchor=\"end\">time since the run started "
                     "(same broken axis as the timeline)</text>\n",
                     num(kPlotX1), num(axis_y + 34));
  out += "</svg>\n";
  return out;
}

struct Series {
  std::string side;
  std::vector<std::pair<std::int64_t, std::string>> values;  // ns, connection
};

std::string cdf_chart(const std::string& title, const std::string& cls, const std::vector<Series>& series,
                      std::optional<std::int64_t> threshold) {
  constexpr double kW = 640;
  constexpr double kH = 230;
  constexpr double kL = 56;
  constexpr double kR = 20;
  constexpr double kT = 30;
  constexpr double kB = 44;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cdf {}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      cls, num(kW), num(kH), num(kW), num(kH), esc(title));
  out += fmt::format("<text class=\"ptitle\" x=\"{}\" y=\"16\">{}</text>\n", num(kL), esc(title));
  std::int64_t lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t hi = 0;
  std::size_t total = 0;
  for (const auto& s : series) {
    for (const auto& [v, n] : s.values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      ++total;
    }
  }
  if (threshold && total > 0) {
    lo = std::min(lo, *threshold);
    hi = std::max(hi, *threshold);
  }
  if (total == 0) {
    lo = 1'000;
    hi = 1'000'000'000;
  }
  LogAxis ax(lo, hi, kL, kW - kL - kR);
  auto yv = [&](double f) { return kT + (kH - kT - kB) * (1.0 - f); };
  for (int p = 0; p <= 4; ++p) {
    double f = p / 4.0;
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>", num(kL), num(kW - kR),
                       num(yv(f)));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}%</text>\n", num(kL - 6),
                       num(yv(f) + 3.5), p * 25);
  }
  for (std::int64_t d : ax.decades()) {
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>", num(ax.x(d)), num(kT),
                       num(yv(0)));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(ax.x(d)),
                       num(yv(0) + 15), esc(axis_time_label(d)));
  }
  out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n", num(kL), num(kW - kR),
                     num(yv(0)));
  out += fmt::format("<text class=\"ylabel\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">duration (log scale)</text>\n",
                     num((kL + kW - kR) / 2), num(kH - 8));
  out += fmt::format("<text class=\"ylabel\" transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\">"
                     "connections ≤ x</text>\n",
                     num(yv(0.5)));
  if (threshold) {
    double x = ax.x(*threshold);
    out += fmt::format("<line class=\"threshold\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
                       "<text class=\"tick\" x=\"{3}\" y=\"{4}\">stall threshold {5}</text>\n",
                       num(x), num(kT), num(yv(0)), num(x + 4), num(yv(0) - 6), esc(format_duration(Duration{*threshold})));
  }
  if (total == 0) {
    out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no values on either side</text>\n",
                       num((kL + kW - kR) / 2), num(yv(0.5)));
  }
  double legend_x = kL + 12;  // top left: a CDF is low there
  std::size_t si = 0;
  for (const auto& s : series) {
    if (s.values.empty()) {
      ++si;
      continue;
    }
    auto vals = s.values;
    std::sort(vals.begin(), vals.end());
    const double n = static_cast<double>(vals.size());
    std::string d = fmt::format("M{} {}", num(ax.x(vals.front().first)), num(yv(0)));
    for (std::size_t i = 0; i < vals.size(); ++i) {
      d += fmt::format("H{}V{}", num(ax.x(vals[i].first)), num(yv(static_cast<double>(i + 1) / n)));
    }
    d += fmt::format("H{}", num(kW - kR));
    out += fmt::format("<path class=\"cdf-{}\" d=\"{}\"/>\n", esc(s.side), d);
    for (std::size_t i = 0; i < vals.size(); ++i) {
      out += fmt::format("<circle class=\"dot-{}\" cx=\"{}\" cy=\"{}\" r=\"3\"><title>{} {}: {}</title></circle>\n",
                         esc(s.side), num(ax.x(vals[i].first)), num(yv(static_cast<double>(i + 1) / n)), esc(s.side),
                         esc(vals[i].second), esc(format_duration(Duration{vals[i].first})));
    }
    double ly = kT + 6 + 16 * static_cast<double>(si);
    out += fmt::format("<line class=\"cdf-{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" y2=\"{3}\"/>"
                       "<text class=\"tick\" x=\"{4}\" y=\"{5}\">{6} (n={7})</text>\n",
                       esc(s.side), num(legend_x), num(legend_x + 22), num(ly), num(legend_x + 28), num(ly + 3.5),
                       esc(s.side), vals.size());
    ++si;
  }
  out += "</svg>\n";
  return out;
}

std::string distributions(const std::vector<const SideData*>& sides) {
  auto collect = [&](auto value) {
    std::vector<Series> out;
    for (const SideData* s : sides) {
      Series se{s->label, {}};
      for (const auto& c : s->o->connections) {
        if (auto v = value(c)) se.values.emplace_back(to_ns(*v), c.name);
      }
      out.push_back(std::move(se));
    }
    return out;
  };
  auto stall = collect([](const ConnectionRecord& c) { return c.stall(); });
  auto connect = collect([](const ConnectionRecord& c) -> std::optional<Duration> {
    if (c.connect_start && c.connect_done) return *c.connect_done - *c.connect_start;
    return std::nullopt;
  });
  auto accept_wait = collect([](const ConnectionRecord& c) -> std::optional<Duration> {
    if (c.connect_done && c.accepted && *c.accepted >= *c.connect_done) return *c.accepted - *c.connect_done;
    return std::nullopt;
  });
  auto total = collect([](const ConnectionRecord& c) -> std::optional<Duration> {
    if (c.connect_start && c.response_received) return *c.response_received - *c.connect_start;
    return std::nullopt;
  });
  std::string out = "<div class=\"twocol\">\n";
  out += cdf_chart("Request stall (first data sent → delivered to the server)", "stall", stall, to_ns(outcome::kStallThreshold));
  out += cdf_chart("Connect latency (connect() called → returned)", "connect", connect, std::nullopt);
  out += cdf_chart("Accept wait (connect() returned → accept() returned it)", "accept-wait", accept_wait, std::nullopt);
  out += cdf_chart("Request latency (connect() called → first response byte)", "total", total, std::nullopt);
  out += "</div>\n";
  return out;
}

std::string run_line(const Outcome& o) {
  return fmt::format("<b>{}</b> {} · HZ {} · seed {} · duration {} · {} connections · {} packets{}", esc(o.info.source),
                     esc(o.info.kernel), o.info.hz, o.info.seed, esc(format_duration(o.info.duration)),
                     o.connections.size(), o.packets.size(),
                     o.info.events != 0 ? fmt::format(" · {} events · trace {:016x}", o.info.events, o.info.trace_hash)
                                        : std::string());
}

std::string tile(const std::string& value, const std::string& label) {
  return fmt::format("<div class=\"tile\"><b>{}</b><span>{}</span></div>", esc(value), esc(label));
}

std::string verdict(const HtmlReport& r, const SideData& m, const SideData& k) {
  std::string out = "<section id=\"verdict\">\n<div class=\"verdict\">";
  if (r.comparison != nullptr) {
    bool agree = r.comparison->agree();
    out += fmt::format("<span class=\"badge {}\">{}</span>", agree ? "agree" : "disagree", agree ? "AGREE" : "DISAGREE");
    std::size_t pairs_ok = 0;
    for (const auto& p : r.comparison->packets) pairs_ok += p.agree ? 1 : 0;
    out += fmt::format("<div>{}<div class=\"runs\">{} of {} packet pairs within tolerance · {} disagreement{}</div></div>",
                       agree ? "Model and kernel agree within tolerance." : "Model and kernel disagree.", pairs_ok,
                       r.comparison->packets.size(), r.comparison->disagreements.size(),
                       r.comparison->disagreements.size() == 1 ? "" : "s");
  } else if (r.statistics) {
    const bool agree = r.statistics->agree;
    out += fmt::format("<span class=\"badge {}\">{}</span><div>{}<div class=\"runs\">compared statistically: "
                       "stalled connections, stall quantiles, retransmissions and counters (table below)</div></div>",
                       agree ? "agree" : "disagree", agree ? "AGREE" : "DISAGREE",
                       agree ? "Model and kernel agree statistically." : "Model and kernel disagree statistically.");
  } else {
    out += fmt::format("<span class=\"badge model\">{}</span><div>{}</div>",
                       k.o != nullptr ? "MODEL + KERNEL" : "MODEL ONLY",
                       k.o != nullptr ? "Both sides shown, not compared." : "No kernel run in this report.");
  }
  out += "</div>\n";
  if (r.comparison == nullptr && r.statistics) out += "<pre class=\"statistics\">" + esc(r.statistics->table) + "</pre>\n";
  if (r.comparison != nullptr && !r.comparison->agree()) {
    // The most important first; past the first dozen, folded.
    constexpr std::size_t kShown = 12;
    const auto& all = r.comparison->disagreements;
    out += "<ol class=\"disagreements\">";
    for (std::size_t i = 0; i < all.size() && i < kShown; ++i) out += fmt::format("<li><span>{}</span></li>", esc(all[i]));
    out += "</ol>\n";
    if (all.size() > kShown) {
      out += fmt::format("<details class=\"more\"><summary>{} more disagreements</summary><ol class=\"disagreements\" "
                         "start=\"{}\">",
                         all.size() - kShown, kShown + 1);
      for (std::size_t i = kShown; i < all.size(); ++i) out += fmt::format("<li><span>{}</span></li>", esc(all[i]));
      out += "</ol></details>\n";
    }
  }
  out += "<p class=\"runs\">" + run_line(*m.o);
  if (k.o != nullptr) out += "<br>" + run_line(*k.o);
  out += "</p>\n";

  // Key figures, per side.
  for (const SideData* s : {&m, &k}) {
    if (s->o == nullptr) continue;
    std::size_t stalled = 0;
    std::size_t failed = 0;
    std::optional<Duration> worst;
    std::string worst_name;
    for (const auto& c : s->o->connections) {
      auto st = c.stall();
      if (outcome::stalled(c)) ++stalled;
      if (c.outcome == ConnectionOutcome::reset || c.outcome == ConnectionOutcome::timed_out ||
          c.outcome == ConnectionOutcome::refused) {
        ++failed;
      }
      if (st && (!worst || *st > *worst)) {
        worst = st;
        worst_name = c.name;
      }
    }
    auto counter = [&](const char* name) {
      auto it = s->o->counters.find(name);
      return std::to_string(it == s->o->counters.end() ? 0 : it->second);
    };
    out += "<div class=\"tiles\">";
    out += tile(s->label, s->o->info.kernel);
    out += tile(std::to_string(s->o->connections.size()), "connections");
    out += tile(std::to_string(stalled), "stalled > " + format_duration(outcome::kStallThreshold));
    out += tile(std::to_string(failed), "reset, timed out or refused");
    out += tile(worst ? format_duration(*worst) : "-", worst ? "worst stall (" + worst_name + ")" : "worst stall");
    out += tile(counter("TcpExtListenOverflows"), "TcpExtListenOverflows");
    out += tile(counter("TcpExtTCPSynRetrans"), "TcpExtTCPSynRetrans");
    out += "</div>\n";
  }
  out += "</section>\n";
  return out;
}

std::string counter_table(const HtmlReport& r) {
  std::string out = "<table class=\"counters\"><thead><tr><th>counter (nstat)</th>";
  if (r.comparison != nullptr) {
    out += "<th class=\"num\">model</th><th class=\"num\">kernel</th><th class=\"num\">difference</th><th>agree</th></tr></thead><tbody>\n";
    for (const auto& c : r.comparison->counters) {
      out += fmt::format("<tr class=\"counter\"><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                         "<td class=\"num\">{:+}</td><td class=\"{}\">{}</td></tr>\n",
                         esc(c.name), c.model, c.kernel, c.kernel - c.model, c.agree ? "ok" : "bad",
                         c.agree ? "✓" : "✗");
    }
  } else if (r.kernel != nullptr) {
    out += "<th class=\"num\">model</th><th class=\"num\">kernel</th></tr></thead><tbody>\n";
    std::set<std::string> names;
    for (const auto& [n, v] : r.model->counters) names.insert(n);
    for (const auto& [n, v] : r.kernel->counters) names.insert(n);
    for (const auto& n : names) {
      auto m = r.model->counters.find(n);
      auto k = r.kernel->counters.find(n);
      out += fmt::format("<tr class=\"counter\"><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                         esc(n), m == r.model->counters.end() ? 0 : m->second,
                         k == r.kernel->counters.end() ? 0 : k->second);
    }
  } else {
    out += "<th class=\"num\">model</th></tr></thead><tbody>\n";
    for (const auto& [n, v] : r.model->counters) {
      out += fmt::format("<tr class=\"counter\"><td class=\"mono\">{}</td><td class=\"num\">{}</td></tr>\n", esc(n), v);
    }
  }
  out += "</tbody></table>\n";
  return out;
}

std::string connection_table(const HtmlReport& r, const std::vector<const SideData*>& sides,
                             const std::vector<std::string>& names) {
  std::map<std::pair<std::string, compare::Field>, const compare::FieldRow*> fields;
  if (r.comparison != nullptr) {
    for (const auto& f : r.comparison->fields) fields[{f.connection, f.field}] = &f;
  }
  // `field`: the compared field the cell shows, if compare judges it.
  auto cell = [&](const std::string& name, const std::string& side, std::optional<compare::Field> field,
                  const std::string& text, const char* cls) {
    auto it = field ? fields.find({name, *field}) : fields.end();
    if (side == "kernel" && it != fields.end() && !it->second->agree) {
      return fmt::format("<td class=\"{} bad\" title=\"model {} · kernel {} · tolerance {}\">{}</td>", cls,
                         esc(it->second->model), esc(it->second->kernel),
                         esc(format_duration(it->second->tolerance)), esc(text));
    }
    return fmt::format("<td class=\"{}\">{}</td>", cls, esc(text));
  };
  std::string out =
      "<table class=\"connections\"><thead><tr><th>connection</th><th>side</th><th class=\"num\">port</th>"
      "<th class=\"num\">connect</th><th class=\"num\">connected</th><th class=\"num\">data sent</th>"
      "<th class=\"num\">accepted</th><th class=\"num\">delivered</th><th class=\"num\">response</th>"
      "<th class=\"num\">closed</th><th>outcome</th><th class=\"num\">SYN rtx</th><th class=\"num\">SYN-ACK rtx</th>"
      "<th class=\"num\">data rtx</th><th class=\"num\">stall</th></tr></thead><tbody>\n";
  for (const auto& n : names) {
    bool first = true;
    for (const SideData* s : sides) {
      const ConnectionRecord* c = record(*s, n);
      if (c == nullptr) continue;
      auto stall = c->stall();
      out += fmt::format("<tr class=\"conn-row{}{}\">", s->label == "kernel" ? " k" : "", first ? " first" : "");
      out += fmt::format("<td><b>{}</b></td><td>{}</td><td class=\"num\">{}</td>", first ? esc(n) : "", esc(s->label),
                         c->client_port);
      using compare::Field;
      out += cell(n, s->label, std::nullopt, time_or_dash(c->connect_start), "num");
      out += cell(n, s->label, Field::connect_done, time_or_dash(c->connect_done), "num");
      out += cell(n, s->label, std::nullopt, time_or_dash(c->first_data_sent), "num");
      out += cell(n, s->label, Field::accepted, time_or_dash(c->accepted), "num");
      out += cell(n, s->label, Field::data_delivered, time_or_dash(c->data_delivered), "num");
      out += cell(n, s->label, std::nullopt, time_or_dash(c->response_received), "num");
      out += cell(n, s->label, std::nullopt, time_or_dash(c->closed), "num");
      out += cell(n, s->label, Field::outcome, outcome_text(*c), "");
      out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                         c->syn_retransmits, c->synack_retransmits, c->data_retransmits);
      out += cell(n, s->label, std::nullopt, stall ? format_duration(*stall) : "-", "num");
      out += "</tr>\n";
      first = false;
    }
  }
  out += "</tbody></table>\n";
  return out;
}

std::string explanations(const Outcome& model) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& c : model.connections) {
    if (c.explanation.empty()) continue;
    auto stall = c.stall();
    std::string head = c.outcome == ConnectionOutcome::completed && stall
                           ? fmt::format("stalled {}", format_duration(*stall))
                           : outcome_text(c) + (stall ? fmt::format(", stalled {}", format_duration(*stall)) : "");
    out += fmt::format("<details class=\"explanation\"{}><summary>{} <span class=\"muted\">{}</span></summary><ol class=\"expl\">",
                       shown < 3 ? " open" : "", esc(c.name), esc(head));
    for (const outcome::ExplanationStep& s : c.explanation) {
      const char* cls = outcome::is_conclusion(s.reason) ? " class=\"sum\""
                        : outcome::is_drop(s.reason)     ? " class=\"drop\""
                                                         : "";
      out += fmt::format("<li{}><span class=\"t\">{}</span>{}</li>", cls, esc(s.at ? format_seconds(*s.at) : ""),
                         esc(reason_text(s.reason)));
    }
    out += "</ol></details>\n";
    ++shown;
  }
  if (shown == 0) out = "<p class=\"note\">No connection stalled or failed in the model.</p>\n";
  return out;
}

}  // namespace

std::string render_html(const HtmlReport& r) {
  if (r.model == nullptr) throw std::invalid_argument("render_html: the model outcome is required");
  const SideData m = gather(r.model, r.model->info.source.empty() ? "model" : r.model->info.source);
  const SideData k = gather(r.kernel, r.kernel != nullptr && !r.kernel->info.source.empty() ? r.kernel->info.source : "kernel");
  std::vector<const SideData*> sides{&m};
  if (k.o != nullptr) sides.push_back(&k);

  const std::vector<std::string> names = all_names(m, k);
  const std::vector<std::string> lane_names = pick(names, m, k, kHtmlMaxLaneConnections);
  const std::vector<std::string> table_names = pick(names, m, k, kHtmlMaxTableConnections);
  const BrokenAxis axis(axis_times(sides, lane_names), kPlotX0, kPlotX1 - kPlotX0);

  const std::string title = r.title.empty() ? "synsim: " + r.model->info.scenario : r.title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=1400\">\n";
  out += "<meta name=\"generator\" content=\"synsim\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n", esc(title), kCss);
  out += fmt::format("<header><h1>{}</h1><p class=\"sub\">scenario <b>{}</b> · model {} {}</p></header>\n", esc(title),
                     esc(r.model->info.scenario), esc(r.model->info.kernel),
                     r.kernel != nullptr ? "· kernel " + esc(r.kernel->info.kernel) : std::string());

  out += verdict(r, m, k);

  out += "<section id=\"timeline\">\n<h2>Connections over time</h2>\n";
  out += "<p class=\"note\">One lane per connection and side. Time axis: piecewise linear and broken between events; "
         "each quiet gap between two consecutive events is drawn with a width proportional to log10(1 + gap / 1 µs), "
         "so a 10 µs handshake and a 100 s stall are both visible. Tick labels are real times since the run started; "
         "gaps longer than 10 ms carry their length. Hover a mark or a bar for details.</p>\n";
  out += legend();
  out += swimlanes(sides, lane_names, axis);
  if (lane_names.size() < names.size()) {
    out += fmt::format("<p class=\"note\">{} of {} connections shown (stalled and failed ones first).</p>\n",
                       lane_names.size(), names.size());
  }
  out += "</section>\n";

  out += "<section id=\"queues\">\n<h2>Listener queues</h2>\n<p class=\"note\">SYN queue (request socks, acked ones "
         "included) and accept queue (children waiting for accept(); <code>ss -lnt</code> Recv-Q) after every change, "
         "on the timeline's axis. The dashed line is the accept queue's limit (backlog + 1).</p>\n";
  out += queue_plots(sides, axis);
  out += "</section>\n";

  out += "<section id=\"distributions\">\n<h2>Stalls and latencies</h2>\n<p class=\"note\">Cumulative distributions "
         "per side (model solid, kernel dashed) on log-scaled duration axes; hover a dot for its connection.</p>\n";
  out += distributions(sides);
  out += "</section>\n";

  out += "<section id=\"counters\">\n<h2>Counters</h2>\n<p class=\"note\">Deltas over the run under their "
         "<code>nstat</code> names.</p>\n";
  out += counter_table(r);
  out += "</section>\n";

  out += "<section id=\"connections\">\n<h2>Connections</h2>\n<p class=\"note\">Times in seconds since the run "
         "started; <code>-</code> when it never happened. Kernel values outside the comparison's tolerance are "
         "marked red.</p>\n";
  out += connection_table(r, sides, table_names);
  if (table_names.size() < names.size()) {
    out += fmt::format("<p class=\"note\">{} of {} connections listed.</p>\n", table_names.size(), names.size());
  }
  out += "</section>\n";

  out += "<section id=\"explanations\">\n<h2>Why: the model's explanations</h2>\n";
  out += explanations(*r.model);
  out += "</section>\n";

  out += "<section id=\"scenario\">\n<h2>Scenario</h2>\n";
  out += fmt::format("<pre class=\"scenario\">{}</pre>\n", esc(r.scenario_text));
  out += "</section>\n";
  out += "<footer>synsim report · deterministic: the same outcomes give the same file</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace synsim::report
