#include "sim/capture/explain.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/capture/pcap_file.h"
#include "sim/capture/story.h"
#include "sim/capture/tcpdump_text.h"
#include "sim/core/seq.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

namespace {

using outcome::Packet;
using outcome::Reason;
using outcome::ReasonKind;

std::string endpoint_text(const std::string& addr, std::uint16_t port) {
  return addr.find(':') != std::string::npos ? fmt::format("[{}]:{}", addr, port) : fmt::format("{}:{}", addr, port);
}

struct Connection {
  std::string client_addr;
  std::uint16_t client_port = 0;
  std::string server;               // endpoint_text of the server
  std::uint32_t isn = 0;            // the client's, from its SYN
  bool has_syn = false;
  std::vector<std::size_t> packets;  // indices into Outcome::packets
  PacketReading reading;
  std::vector<outcome::ExplanationStep> steps;
  bool incident = false;
};

// The connection's record from its packets (explain.h says what each time means).
void fill_record(const outcome::Outcome& out, const Connection& c, outcome::ConnectionRecord& r) {
  std::optional<std::uint32_t> request_end;
  bool synack_seen = false;
  bool client_closed = false;
  bool server_data = false;
  for (const std::size_t i : c.packets) {
    const Packet& p = out.packets[i];
    const outcome::SegmentKind kind = outcome::segment_kind(p);
    if (p.from_client) {
      if (kind == outcome::SegmentKind::syn && !r.connect_start) r.connect_start = p.time;
      if ((p.flags & outcome::kAck) && !(p.flags & (outcome::kSyn | outcome::kRst)) && synack_seen && !r.connect_done) {
        r.connect_done = p.time;
      }
      if (p.length > 0 && !r.first_data_sent) {
        r.first_data_sent = p.time;
        request_end = p.seq + p.length;
      }
      if ((p.flags & (outcome::kFin | outcome::kRst)) && !r.closed) {
        r.closed = p.time;
        client_closed = true;
      }
      continue;
    }
    if (kind == outcome::SegmentKind::synack) synack_seen = true;
    if (kind == outcome::SegmentKind::rst && !client_closed && r.error.empty()) {
      r.outcome = synack_seen ? outcome::ConnectionOutcome::reset : outcome::ConnectionOutcome::refused;
      r.error = synack_seen ? "ECONNRESET" : "ECONNREFUSED";
      if (!r.closed) r.closed = p.time;
    }
    if (kind == outcome::SegmentKind::syn || kind == outcome::SegmentKind::synack || kind == outcome::SegmentKind::rst) {
      continue;
    }
    if (request_end && !r.data_delivered && (p.flags & outcome::kAck) && !seq::before(p.ack, *request_end)) {
      r.data_delivered = p.time;
    }
    if (p.length > 0 && !r.response_received) {
      r.response_received = p.time;
      server_data = true;
    }
  }
  r.syn_retransmits = c.reading.syn_retransmits();
  r.synack_retransmits = c.reading.synack_retransmits();
  r.data_retransmits = c.reading.data_retransmits();
  const outcome::Script script{.sends = r.first_data_sent.has_value(), .expects_response = server_data, .closes = true};
  r.outcome = outcome::judged_outcome(r, script);
}

class Explainer {
 public:
  Explainer(Input& in, const ExplainOptions& options) : in_(in), options_(options) {}

  outcome::Outcome run() {
    // A capture is almost always in time order already: sorting a million
    // segments that are moves them all through a buffer for nothing.
    const auto by_time = [](const Segment& a, const Segment& b) { return a.ns < b.ns; };
    if (!std::is_sorted(in_.segments.begin(), in_.segments.end(), by_time)) {
      std::stable_sort(in_.segments.begin(), in_.segments.end(), by_time);
    }
    find_servers();
    const std::int64_t t0 = in_.segments.front().ns;
    // Every segment becomes a packet (or a skipped line): one allocation
    // instead of a million packets copied as the vector doubles.
    out_.packets.reserve(in_.segments.size());
    for (Segment& s : in_.segments) on_segment(s, t0);
    if (out_.packets.empty()) {
      throw InputError(fmt::format("{}: no segment to or from the server ({})", in_.name, servers_text()));
    }
    finish();
    return std::move(out_);
  }

 private:
  void find_servers() {
    if (options_.server) {
      servers_.insert(endpoint_text(options_.server->addr, options_.server->port));
      return;
    }
    for (const Segment& s : in_.segments) {
      if (outcome::segment_kind(s.packet) == outcome::SegmentKind::synack) {
        servers_.insert(endpoint_text(s.packet.src_addr, s.packet.src_port));
      }
    }
    if (!servers_.empty()) return;
    for (const Segment& s : in_.segments) {
      if (outcome::segment_kind(s.packet) == outcome::SegmentKind::syn) {
        servers_.insert(endpoint_text(s.packet.dst_addr, s.packet.dst_port));
      }
    }
    if (servers_.empty()) {
      throw InputError(fmt::format("{}: no SYN-ACK and no SYN: cannot tell the server's side; name it with --server "
                                   "ADDR:PORT",
                                   in_.name));
    }
  }

  std::string servers_text() const {
    std::string s;
    for (const std::string& e : servers_) s += (s.empty() ? "" : ", ") + e;
    return s;
  }

  void on_segment(Segment& s, std::int64_t t0) {
    Packet p = std::move(s.packet);
    p.time = at_ns(s.ns - t0);
    const std::string src = endpoint_text(p.src_addr, p.src_port);
    const std::string dst = endpoint_text(p.dst_addr, p.dst_port);
    if (servers_.count(dst)) {
      p.from_client = true;
    } else if (servers_.count(src)) {
      p.from_client = false;
    } else {
      in_.skipped.push_back(Skipped{s.where, fmt::format("{} > {}: not to or from the server ({})", src, dst,
                                                         servers_text())});
      return;
    }
    const std::string key = p.from_client ? src + " " + dst : dst + " " + src;
    Connection& c = connection_for(key, p);
    const std::size_t index = out_.packets.size();
    p.connection = out_.connections[conn_index_].name;
    out_.packets.push_back(std::move(p));
    c.packets.push_back(index);
    const Packet& q = out_.packets.back();
    if (!server_port_) server_port_ = q.from_client ? q.dst_port : q.src_port;
    for (const Reason& why : c.reading.read(q)) note(c, index, why);
  }

  // The connection of a 4-tuple; a new one when a SYN with another ISN
  // reuses the client's port. Sets conn_index_.
  Connection& connection_for(const std::string& key, const Packet& p) {
    const bool syn = p.from_client && outcome::segment_kind(p) == outcome::SegmentKind::syn;
    auto it = by_key_.find(key);
    if (it != by_key_.end()) {
      Connection& c = conns_[it->second];
      if (!syn || !c.has_syn || c.isn == p.seq) {
        conn_index_ = it->second;
        return c;
      }
    }
    Connection c;
    c.client_addr = p.from_client ? p.src_addr : p.dst_addr;
    c.client_port = p.from_client ? p.src_port : p.dst_port;
    c.server = p.from_client ? endpoint_text(p.dst_addr, p.dst_port) : endpoint_text(p.src_addr, p.src_port);
    c.has_syn = syn;
    c.isn = syn ? p.seq : 0;
    conn_index_ = conns_.size();
    by_key_[key] = conn_index_;
    conns_.push_back(std::move(c));
    outcome::ConnectionRecord r;
    r.group = "c";
    r.index = static_cast<std::uint32_t>(conn_index_);
    r.name = fmt::format("c#{}", conn_index_);
    r.client_port = conns_.back().client_port;
    out_.connections.push_back(std::move(r));
    return conns_.back();
  }

  void note(Connection& c, std::size_t index, const Reason& why) {
    c.steps.push_back(outcome::ExplanationStep{out_.packets[index].time, why});
    if (outcome::is_incident(why)) c.incident = true;
    out_.annotations.push_back(outcome::Annotation{index, why, out_.packets[index].connection, std::nullopt});
  }

  void finish() {
    const Time end = out_.packets.back().time;
    outcome::Counters& k = out_.counters;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      Connection& c = conns_[i];
      conn_index_ = i;
      std::vector<const Packet*> ps;
      for (const std::size_t p : c.packets) ps.push_back(&out_.packets[p]);
      const bool loopback = !ps.empty() && is_loopback(*ps.front());
      for (const Inference& f : infer(ps, loopback, end)) {
        note(c, c.packets[f.packet], f.reason);
        count(f.reason);
      }
      outcome::ConnectionRecord& r = out_.connections[i];
      fill_record(out_, c, r);
      r.syncookie = std::any_of(c.steps.begin(), c.steps.end(), [](const outcome::ExplanationStep& s) {
        return s.reason.kind == ReasonKind::capture_syncookie;
      });
      if (c.has_syn) ++k["TcpActiveOpens"];
      k["TcpExtTCPSynRetrans"] += r.syn_retransmits + r.synack_retransmits;
      k["TcpRetransSegs"] += r.syn_retransmits + r.synack_retransmits + r.data_retransmits;
      for (const std::size_t p : c.packets) {
        if (out_.packets[p].flags & outcome::kRst) ++k["TcpOutRsts"];
      }
      if (!outcome::worth_explaining(r, c.incident)) continue;
      std::stable_sort(c.steps.begin(), c.steps.end(),
                       [](const outcome::ExplanationStep& a, const outcome::ExplanationStep& b) { return a.at < b.at; });
      r.explanation = c.steps;
      if (r.first_data_sent) {
        const auto at = std::upper_bound(r.explanation.begin(), r.explanation.end(), *r.first_data_sent,
                                         [](Time t, const outcome::ExplanationStep& s) { return t < s.at; });
        r.explanation.insert(at, outcome::ExplanationStep{*r.first_data_sent,
                                                          Reason{.kind = ReasonKind::kernel_request_written}});
      }
      if (const std::optional<Reason> e = outcome::conclusion(r)) {
        r.explanation.push_back(outcome::ExplanationStep{std::nullopt, *e});
      }
    }
    std::erase_if(k, [](const auto& kv) { return kv.second == 0; });
    std::stable_sort(out_.annotations.begin(), out_.annotations.end(),
                     [](const outcome::Annotation& a, const outcome::Annotation& b) {
                       return a.packet_index < b.packet_index;
                     });
    out_.info.scenario = in_.name;
    out_.info.source = "capture";
    out_.info.kernel = "unknown (a capture)";
    out_.info.duration = end - kTimeZero;
    out_.info.server_port = server_port_;
    out_.info.captured = true;
    out_.info.settings = in_.notes;
    out_.queues.push_back(outcome::QueueSample{});
  }

  void count(const Reason& r) {
    outcome::Counters& k = out_.counters;
    switch (r.kind) {
      case ReasonKind::capture_final_ack_dropped:
        k["TcpExtListenOverflows"] += r.a;
        k["TcpExtListenDrops"] += r.a;
        break;
      case ReasonKind::capture_syn_dropped:
        // With tcp_syncookies=1 (the default) a full SYN queue answers with
        // a cookie, so an unanswered SYN met a full accept queue:
        // tcp_conn_request counts ListenOverflows and ListenDrops.
        k["TcpExtListenOverflows"] += r.a;
        k["TcpExtListenDrops"] += r.a;
        break;
      case ReasonKind::capture_acceptq_ignored:
        k["TcpExtListenOverflows"] += r.a;
        k["TcpExtListenDrops"] += r.a;
        break;
      case ReasonKind::capture_syncookie:
        ++k["TcpExtSyncookiesSent"];
        k["TcpExtListenOverflows"] += r.a;
        k["TcpExtListenDrops"] += r.a;
        break;
      case ReasonKind::capture_abort_on_overflow:
        ++k["TcpExtEmbryonicRsts"];
        ++k["TcpExtListenOverflows"];
        ++k["TcpExtListenDrops"];
        break;
      default: break;
    }
  }

  Input& in_;
  const ExplainOptions& options_;
  outcome::Outcome out_;
  std::set<std::string> servers_;
  std::unordered_map<std::string, std::size_t> by_key_;  // a hash: a lookup a packet
  std::vector<Connection> conns_;
  std::size_t conn_index_ = 0;
  std::uint16_t server_port_ = 0;
};

}  // namespace

std::optional<ServerAddress> parse_server(std::string_view text, std::string& error) {
  std::string_view addr;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find("]:");
    if (close == std::string_view::npos) {
      error = fmt::format("'{}': expected [IPV6]:PORT", text);
      return std::nullopt;
    }
    addr = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      error = fmt::format("'{}': expected ADDR:PORT (IPv6 as [ADDR]:PORT)", text);
      return std::nullopt;
    }
    addr = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  std::uint32_t v = 0;
  if (addr.empty() || port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    error = fmt::format("'{}': expected ADDR:PORT with a port number", text);
    return std::nullopt;
  }
  for (const char c : port) v = v * 10 + static_cast<std::uint32_t>(c - '0');
  if (v == 0 || v > 65535) {
    error = fmt::format("'{}': port out of range 1-65535", text);
    return std::nullopt;
  }
  return ServerAddress{addr == "localhost" ? "127.0.0.1" : std::string(addr), static_cast<std::uint16_t>(v)};
}

Input read_capture_bytes(std::string_view bytes, const std::string& name) {
  if (looks_like_pcap(bytes)) return read_pcap_bytes(bytes, name);
  return read_tcpdump_text(bytes, name);
}

Input read_capture_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("{}: cannot read", path));
  char head[4] = {};
  f.read(head, 4);
  if (looks_like_pcap(std::string_view(head, static_cast<std::size_t>(f.gcount())))) return read_pcap_file(path);
  f.clear();
  f.seekg(0);
  std::ostringstream text;
  text << f.rdbuf();
  return read_tcpdump_text(text.str(), path);
}

outcome::Outcome explain(Input& in, const ExplainOptions& options) {
  if (in.segments.empty()) throw InputError(fmt::format("{}: no TCP segment", in.name));
  return Explainer(in, options).run();
}

}  // namespace synsim::capture
