#include "sim/packetdrill/segment_text.h"

#include <fmt/format.h>

#include <algorithm>

namespace synsim::packetdrill::detail {

namespace {

// The options as Linux lays them out (tcp_options_write()): MSS, then
// sackOK folded with TS, NOPs padding, wscale, SACK blocks.
std::string options_text(const tcp::Segment& g, std::uint32_t peer_isn) {
  std::vector<std::string> o;
  if (g.mss) o.push_back(fmt::format("mss {}", g.mss));
  if (g.sack_permitted && g.has_ts) {
    o.push_back("sackOK");
  }
  if (g.has_ts) {
    if (!g.sack_permitted || !(g.flags & kSyn)) {
      o.push_back("nop");
      o.push_back("nop");
    }
    o.push_back(fmt::format("TS val {} ecr {}", g.ts_val, g.ts_ecr));
  } else if (g.sack_permitted) {
    o.push_back("nop");
    o.push_back("nop");
    o.push_back("sackOK");
  }
  if (g.wscale >= 0) {
    o.push_back("nop");
    o.push_back(fmt::format("wscale {}", g.wscale));
  }
  if (g.has_sack) {
    o.push_back("nop");
    o.push_back("nop");
    o.push_back(fmt::format("sack {}:{}", g.sack_left - peer_isn, g.sack_right - peer_isn));
  }
  if (o.empty()) return "";
  std::string s = " <";
  for (std::size_t i = 0; i < o.size(); ++i) s += (i ? "," : "") + o[i];
  return s + ">";
}

// The options a segment carries, by kind (NOPs and EOL are padding).
std::vector<OptionKind> kinds_of(const tcp::Segment& g) {
  std::vector<OptionKind> k;
  if (g.mss) k.push_back(OptionKind::mss);
  if (g.sack_permitted) k.push_back(OptionKind::sack_ok);
  if (g.has_ts) k.push_back(OptionKind::timestamp);
  if (g.wscale >= 0) k.push_back(OptionKind::wscale);
  if (g.has_sack) k.push_back(OptionKind::sack);
  return k;
}

std::string kind_name(OptionKind k) {
  switch (k) {
    case OptionKind::nop: return "nop";
    case OptionKind::eol: return "eol";
    case OptionKind::mss: return "mss";
    case OptionKind::sack_ok: return "sackOK";
    case OptionKind::timestamp: return "TS";
    case OptionKind::wscale: return "wscale";
    case OptionKind::sack: return "sack";
  }
  return "?";
}

std::string options_differ(const std::vector<TcpOption>& want, const tcp::Segment& g) {
  std::vector<OptionKind> expected;
  for (const TcpOption& o : want) {
    if (o.kind == OptionKind::nop || o.kind == OptionKind::eol) continue;
    expected.push_back(o.kind);
    switch (o.kind) {
      case OptionKind::mss:
        if (g.mss && g.mss != o.a) return fmt::format("mss: expected {}, actual {}", o.a, g.mss);
        break;
      case OptionKind::wscale:
        if (g.wscale >= 0 && static_cast<std::uint32_t>(g.wscale) != o.a) {
          return fmt::format("wscale: expected {}, actual {}", o.a, g.wscale);
        }
        break;
      case OptionKind::sack:
        if (g.has_sack && (o.blocks.size() != 1 || o.blocks[0].first != g.sack_left - kPeerIsn ||
                           o.blocks[0].second != g.sack_right - kPeerIsn)) {
          return fmt::format("sack: expected {} block(s) from {}:{}, actual {}:{}", o.blocks.size(),
                             o.blocks[0].first, o.blocks[0].second, g.sack_left - kPeerIsn,
                             g.sack_right - kPeerIsn);
        }
        break;
      case OptionKind::nop:
      case OptionKind::eol:
      case OptionKind::sack_ok:
      case OptionKind::timestamp:
        break;
    }
  }
  std::vector<OptionKind> actual = kinds_of(g);
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  if (expected == actual) return "";
  auto names = [](const std::vector<OptionKind>& ks) {
    std::string s;
    for (OptionKind k : ks) s += (s.empty() ? "" : ",") + kind_name(k);
    return s.empty() ? std::string("none") : s;
  };
  return fmt::format("TCP options: expected {}, actual {}", names(expected), names(actual));
}

}  // namespace

std::string tuple_text(Tuple t) {
  return t == kDefaultTuple ? std::string("the default remote port") : fmt::format("remote port {}", t);
}

std::string segment_text(const Sent& s) {
  std::string t = s.tuple == kDefaultTuple ? std::string() : fmt::format("{}>{} ", kLocalPort, s.tuple);
  t += fmt::format("{} {}:{}({})", tcp::flag_letters(s.seg.flags), s.seq, s.seq + s.seg.len, s.seg.len);
  if (s.seg.flags & kAck) t += fmt::format(" ack {}", s.ack);
  t += fmt::format(" win {}", s.seg.window);
  return t + options_text(s.seg, kPeerIsn);
}

std::string segment_differs(const PacketEvent& want, const Sent& s, std::vector<std::string>& notes,
                            std::uint32_t line) {
  const tcp::Segment& g = s.seg;
  if (g.flags != want.flags) {
    return fmt::format("TCP flags: expected {}, actual {}", tcp::flag_letters(want.flags), tcp::flag_letters(g.flags));
  }
  if (s.seq != want.seq) return fmt::format("tcp_seq: expected {}, actual {}", want.seq, s.seq);
  if (g.len != want.len) return fmt::format("payload length: expected {}, actual {}", want.len, g.len);
  if (want.ack && s.ack != *want.ack) return fmt::format("tcp_ack_seq: expected {}, actual {}", *want.ack, s.ack);
  if (want.win && g.window != *want.win) return fmt::format("tcp_window: expected {}, actual {}", *want.win, g.window);
  if (want.options) {
    const std::string d = options_differ(*want.options, g);
    if (!d.empty()) return d;
    const bool ts = std::any_of(want.options->begin(), want.options->end(),
                                [](const TcpOption& o) { return o.kind == OptionKind::timestamp; });
    if (ts) notes.push_back(fmt::format("line {}: TS val and ecr are not compared (only that TS is there)", line));
  } else if (!want.options_any && !kinds_of(g).empty()) {
    notes.push_back(fmt::format("line {}: no option list, so the segment's options were not checked", line));
  }
  return "";
}

}  // namespace synsim::packetdrill::detail
