#include "sim/report/tcpdump.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "sim/core/time.h"
#include "sim/report/reason_text.h"
#include "sim/report/wire.h"
#include "sim/tcp/segment.h"

namespace synsim::report {

namespace {

using outcome::Packet;

constexpr std::uint8_t kUrgFlag = 0x20;  // not in outcome::TcpFlag; printed if set anyway

// The relative-sequence-number memory of tcp_print(): one entry per
// conversation, keyed in a canonical direction (lower port first; on equal
// ports, lower address first), holding the bases of that direction (seq) and
// of the reverse direction (ack).
class SeqBases {
 public:
  struct View {
    std::uint32_t seq;     // as printed
    std::uint32_t ack;     // as printed
    std::uint32_t thseq;   // base of the canonical direction
    std::uint32_t thack;   // base of the reverse direction
    bool rev;              // packet travels against the canonical direction
  };

  // Only for segments with ACK set, as tcp_print() does.
  View on_ack_segment(const Packet& p) {
    bool rev = false;
    if (p.src_port > p.dst_port) {
      rev = true;
    } else if (p.src_port == p.dst_port) {
      rev = address_greater(p.src_addr, p.dst_addr);
    }
    Key key = rev ? Key{p.dst_addr, p.src_addr, (std::uint32_t{p.dst_port} << 16) | p.src_port}
                  : Key{p.src_addr, p.dst_addr, (std::uint32_t{p.src_port} << 16) | p.dst_port};
    View v{p.seq, p.ack, 0, 0, rev};
    auto it = bases_.find(key);
    if (it == bases_.end() || (p.flags & outcome::kSyn)) {
      // Didn't find it, or a new conversation: record, print absolute.
      Bases b;
      if (rev) {
        b.ack = p.seq;
        b.seq = p.ack - 1;
      } else {
        b.seq = p.seq;
        b.ack = p.ack - 1;
      }
      it = bases_.insert_or_assign(std::move(key), b).first;
    } else if (rev) {
      v.seq -= it->second.ack;
      v.ack -= it->second.seq;
    } else {
      v.seq -= it->second.seq;
      v.ack -= it->second.ack;
    }
    v.thseq = it->second.seq;
    v.thack = it->second.ack;
    return v;
  }

 private:
  struct Bases {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
  };
  using Key = std::tuple<std::string, std::string, std::uint32_t>;

  // tcpdump memcmp()s the addresses in network order, which for IPv4 is the
  // numeric order of the host-order value.
  static bool address_greater(const std::string& a, const std::string& b) {
    auto na = parse_ipv4(a);
    auto nb = parse_ipv4(b);
    if (na && nb) return *na > *nb;
    return a > b;
  }

  std::map<Key, Bases> bases_;
};

std::uint32_t be16(const std::string& s, std::size_t i) {
  return (std::uint32_t{static_cast<unsigned char>(s[i])} << 8) | static_cast<unsigned char>(s[i + 1]);
}
std::uint32_t be32(const std::string& s, std::size_t i) { return (be16(s, i) << 16) | be16(s, i + 2); }

// The options loop of tcp_print(), for the option kinds encode_tcp_options() writes.
void append_options(std::string& out, const std::string& bytes, const SeqBases::View& view) {
  out += ", options [";
  std::size_t i = 0;
  bool first = true;
  while (i < bytes.size()) {
    if (!first) out += ',';
    first = false;
    auto kind = static_cast<TcpOptionKind>(static_cast<unsigned char>(bytes[i]));
    if (kind == TcpOptionKind::nop || kind == TcpOptionKind::eol) {
      out += kind == TcpOptionKind::nop ? "nop" : "eol";
      ++i;
      if (kind == TcpOptionKind::eol) break;
      continue;
    }
    if (i + 1 >= bytes.size()) {
      out += "[bad opt]";
      return;
    }
    std::size_t len = static_cast<unsigned char>(bytes[i + 1]);
    if (len < 2 || i + len > bytes.size()) {
      out += "[bad opt]";
      return;
    }
    const std::size_t data = i + 2;
    switch (kind) {
      case TcpOptionKind::eol:
      case TcpOptionKind::nop:
        break;  // handled above
      case TcpOptionKind::mss:
        out += fmt::format("mss {}", be16(bytes, data));
        break;
      case TcpOptionKind::wscale:
        out += fmt::format("wscale {}", static_cast<unsigned char>(bytes[data]));
        break;
      case TcpOptionKind::sack_permitted:
        out += "sackOK";
        break;
      case TcpOptionKind::timestamp:
        out += fmt::format("TS val {} ecr {}", be32(bytes, data), be32(bytes, data + 4));
        break;
      case TcpOptionKind::sack: {
        std::size_t datalen = len - 2;
        out += "sack";
        if (datalen % 8 != 0) {
          out += " invalid sack";
          break;
        }
        out += fmt::format(" {} ", datalen / 8);
        std::uint32_t base = view.rev ? view.thseq : view.thack;
        for (std::size_t b = 0; b < datalen; b += 8) {
          out += fmt::format("{{{}:{}}}", be32(bytes, data + b) - base, be32(bytes, data + b + 4) - base);
        }
        break;
      }
    }
    i += len;
  }
  out += ']';
}

std::string packet_line(const Packet& p, SeqBases& bases) {
  std::string line = fmt::format("{} IP {}.{} > {}.{}: Flags [{}]", format_seconds(p.time), p.src_addr,
                                 p.src_port, p.dst_addr, p.dst_port, tcpdump_flags(p.flags));
  SeqBases::View view{p.seq, p.ack, 0, 0, false};
  if (p.flags & outcome::kAck) view = bases.on_ack_segment(p);

  if (p.length > 0 || (p.flags & (outcome::kSyn | outcome::kFin | outcome::kRst))) {
    line += fmt::format(", seq {}", view.seq);
    if (p.length > 0) line += fmt::format(":{}", static_cast<std::uint32_t>(view.seq + p.length));
  }
  if (p.flags & outcome::kAck) line += fmt::format(", ack {}", view.ack);
  line += fmt::format(", win {}", p.window);
  if (p.flags & kUrgFlag) line += ", urg 0";  // render_pcap() writes urgent pointer 0
  std::string options = encode_tcp_options(p.options);
  if (!options.empty()) append_options(line, options, view);
  line += fmt::format(", length {}", p.length);
  return line;
}

}  // namespace

std::string tcpdump_flags(std::uint8_t flags) { return tcp::flag_letters(flags); }

std::string render_tcpdump(const outcome::Outcome& outcome, bool with_annotations) {
  std::string out;
  const auto& info = outcome.info;
  if (with_annotations) {
    out += fmt::format("# synsim {} {} HZ={} seed={} scenario={}\n", info.source, info.kernel, info.hz,
                       info.seed, info.scenario);
  }
  // Annotations grouped by the packet they follow, keeping their order;
  // any pointing past the last packet (none in a well-formed outcome) are
  // shown at the end rather than lost.
  std::vector<std::vector<const outcome::Annotation*>> notes(outcome.packets.size() + 1);
  if (with_annotations) {
    for (const auto& a : outcome.annotations) {
      notes[std::min(a.packet_index, outcome.packets.size())].push_back(&a);
    }
  }
  // A multi-line annotation keeps the `    # ` prefix on every line, so the
  // packet lines stay the only lines that do not start with '#' or blanks.
  auto annotate = [&out](const std::string& connection, const std::string& text) {
    std::string prefix = connection.empty() ? "    # " : fmt::format("    # {}: ", connection);
    std::size_t start = 0;
    do {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      out += prefix;
      out.append(text, start, end - start);
      out += '\n';
      prefix = "    #   ";
      start = end + 1;
    } while (start < text.size());
  };
  SeqBases bases;
  for (std::size_t i = 0; i < outcome.packets.size(); ++i) {
    const Packet& p = outcome.packets[i];
    out += packet_line(p, bases);
    out += '\n';
    for (const auto* a : notes[i]) {
      annotate(a->connection.empty() ? p.connection : a->connection, annotation_text(*a));
    }
  }
  for (const auto* a : notes.back()) annotate(a->connection, annotation_text(*a));
  return out;
}

}  // namespace synsim::report
