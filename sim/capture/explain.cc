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

#include "sim/capture/connection_reading.h"
#include "sim/capture/pcap_file.h"
#include "sim/capture/story.h"
#include "sim/capture/tcpdump_text.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

namespace {

using outcome::Packet;

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
};

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

  // Each connection read (connection_reading.h), its reasons noted under
  // their packets: the timeline's annotations, in packet order.
  void finish() {
    const Time end = out_.packets.back().time;
    outcome::Counters& k = out_.counters;
    std::vector<const Packet*> ps;
    std::vector<PacketNote> notes;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      const Connection& c = conns_[i];
      ps.clear();
      notes.clear();
      for (const std::size_t p : c.packets) ps.push_back(&out_.packets[p]);
      read_connection(ps, c.has_syn, end, out_.connections[i], k, &notes);
      for (const PacketNote& n : notes) {
        const std::size_t index = c.packets[n.packet];
        out_.annotations.push_back(outcome::Annotation{index, n.reason, out_.packets[index].connection, std::nullopt});
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
