// stream.h's entry points: a capture file read twice, first to survey it
// (the server's side, the time order), then into the StreamExplainer.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "sim/capture/pcap_file.h"
#include "sim/capture/stream_explainer.h"
#include "sim/capture/tcpdump_text.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

namespace {

using Endpoint = std::pair<IpAddress, std::uint16_t>;

std::string endpoint_text(const std::string& addr, std::uint16_t port) {
  return addr.find(':') != std::string::npos ? fmt::format("[{}]:{}", addr, port) : fmt::format("{}:{}", addr, port);
}

// The address `text` names, when `text` is how it prints (explain() matches
// a packet's printed address against --server's text).
std::optional<IpAddress> address_of(const std::string& text) {
  IpAddress a;
  if (::inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.version = 4;
  } else if (::inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.version = 6;
  } else {
    return std::nullopt;
  }
  if (to_string(a) != text) return std::nullopt;
  return a;
}

// The first pass: what explain() knows before its first segment.
class Survey : public SegmentSink {
 public:
  void segment(std::int64_t ns, const WireSegment& w, std::uint64_t) override {
    if (count_++ == 0) first_ns_ = ns;
    if (ns < last_ns_) in_order_ = false;
    last_ns_ = ns;
    const outcome::SegmentKind kind = outcome::segment_kind(w.flags, w.length);
    if (kind == outcome::SegmentKind::synack) synack_sources_.emplace(w.src, w.src_port);
    if (kind == outcome::SegmentKind::syn && synack_sources_.empty()) syn_targets_.emplace(w.dst, w.dst_port);
  }
  void skipped(Skipped s) override {
    if (skipped_.size() < kSkippedKept) skipped_.push_back(std::move(s));
    ++skipped_count_;
  }

  // explain()'s servers (explain.h): --server, or every endpoint that sent a
  // SYN-ACK, or else every one sent a SYN. Throws as explain() does.
  StreamExplainer explainer(const std::string& name, const ExplainOptions& options,
                            std::vector<std::string> notes) const {
    if (count_ == 0) throw InputError(fmt::format("{}: no TCP segment", name));
    if (!in_order_) throw NotStreamable(fmt::format("{}: segments out of time order", name));
    std::vector<ServerEndpoint> servers;
    std::set<std::string> texts;
    if (options.server) {
      texts.insert(endpoint_text(options.server->addr, options.server->port));
      if (const std::optional<IpAddress> a = address_of(options.server->addr)) {
        servers.push_back(ServerEndpoint{*a, options.server->port});
      }
    } else {
      const std::set<Endpoint>& from = synack_sources_.empty() ? syn_targets_ : synack_sources_;
      for (const auto& [addr, port] : from) {
        servers.push_back(ServerEndpoint{addr, port});
        texts.insert(endpoint_text(to_string(addr), port));
      }
      if (servers.empty()) {
        throw InputError(fmt::format("{}: no SYN-ACK and no SYN: cannot tell the server's side; name it with "
                                     "--server ADDR:PORT",
                                     name));
      }
    }
    std::string text;
    for (const std::string& e : texts) text += (text.empty() ? "" : ", ") + e;
    return StreamExplainer(name, std::move(servers), std::move(text), first_ns_, std::move(notes));
  }

  std::vector<Skipped> skipped_;
  std::size_t skipped_count_ = 0;

 private:
  std::uint64_t count_ = 0;
  std::int64_t first_ns_ = 0, last_ns_ = 0;
  bool in_order_ = true;
  std::set<Endpoint> synack_sources_, syn_targets_;  // ordered: the servers' text is sorted, as explain()'s
};

// The second pass.
class Feed : public SegmentSink {
 public:
  explicit Feed(StreamExplainer& x) : x_(x) {}
  void segment(std::int64_t ns, const WireSegment& w, std::uint64_t number) override {
    x_.segment(ns, w, nullptr, number);
  }
  void skipped(Skipped) override {}  // the survey has them

 private:
  StreamExplainer& x_;
};

// A tcpdump text's packet as the pcap reader would have decoded it.
WireSegment wire_of(const Segment& s, const std::string& name) {
  const outcome::Packet& p = s.packet;
  WireSegment w;
  const std::optional<IpAddress> src = address_of(p.src_addr), dst = address_of(p.dst_addr);
  if (!src || !dst || p.options.sack.size() > w.sack.size()) {
    throw NotStreamable(fmt::format("{}: {}: addresses not as numbers", name, s.where));
  }
  w.src = *src;
  w.dst = *dst;
  w.src_port = p.src_port;
  w.dst_port = p.dst_port;
  w.flags = p.flags;
  w.seq = p.seq;
  w.ack = p.ack;
  w.length = p.length;
  w.window = p.window;
  w.mss = p.options.mss;
  w.wscale = static_cast<std::int16_t>(p.options.wscale);
  w.sack_permitted = p.options.sack_permitted;
  w.has_timestamp = p.options.has_timestamp;
  w.ts_val = p.options.ts_val;
  w.ts_ecr = p.options.ts_ecr;
  for (const outcome::SackBlock& b : p.options.sack) w.sack[w.sack_blocks++] = b;
  return w;
}

// tcpdump text is read whole (tcpdump_text.h reads a wrapped line with the
// lines after it), put in time order as explain() puts it (a mail may quote
// one connection after another), then streamed from memory.
StreamedExplanation explain_input(Input& in, const ExplainOptions& options, const EveryRecord& every) {
  const auto by_time = [](const Segment& a, const Segment& b) { return a.ns < b.ns; };
  if (!std::is_sorted(in.segments.begin(), in.segments.end(), by_time)) {
    std::stable_sort(in.segments.begin(), in.segments.end(), by_time);
  }
  Survey survey;
  std::vector<WireSegment> wires;
  wires.reserve(in.segments.size());
  for (std::size_t i = 0; i < in.segments.size(); ++i) {
    wires.push_back(wire_of(in.segments[i], in.name));
    survey.segment(in.segments[i].ns, wires.back(), i + 1);
  }
  for (Skipped& s : in.skipped) survey.skipped(std::move(s));
  StreamExplainer x = survey.explainer(in.name, options, in.notes);
  x.every_record(every);
  for (std::size_t i = 0; i < in.segments.size(); ++i) {
    x.segment(in.segments[i].ns, wires[i], &in.segments[i].where, i + 1);
  }
  return x.finish(survey.skipped_, survey.skipped_count_);
}

}  // namespace

StreamedExplanation explain_stream_file(const std::string& path, const ExplainOptions& options,
                                        const EveryRecord& every) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("{}: cannot read", path));
  char head[4] = {};
  f.read(head, 4);
  if (!looks_like_pcap(std::string_view(head, static_cast<std::size_t>(f.gcount())))) {
    Input in = read_capture_file(path);
    return explain_input(in, options, every);
  }
  Survey survey;
  read_pcap_file(path, survey);
  StreamExplainer x = survey.explainer(path, options, {});
  x.every_record(every);
  Feed feed(x);
  read_pcap_file(path, feed);
  return x.finish(survey.skipped_, survey.skipped_count_);
}

StreamedExplanation explain_stream_bytes(std::string_view bytes, const std::string& name,
                                         const ExplainOptions& options, const EveryRecord& every) {
  if (!looks_like_pcap(bytes)) {
    Input in = read_tcpdump_text(bytes, name);
    return explain_input(in, options, every);
  }
  Survey survey;
  read_pcap_bytes(bytes, name, survey);
  StreamExplainer x = survey.explainer(name, options, {});
  x.every_record(every);
  Feed feed(x);
  read_pcap_bytes(bytes, name, feed);
  return x.finish(survey.skipped_, survey.skipped_count_);
}

}  // namespace synsim::capture
