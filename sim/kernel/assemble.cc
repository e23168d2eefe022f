#include "sim/kernel/assemble.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "sim/capture/story.h"
#include "sim/kernel/ports.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/segment_kind.h"
#include "sim/scenario/connections.h"

namespace synsim::kernel {
namespace {

using outcome::ReasonKind;

outcome::Reason because(ReasonKind k, std::uint32_t number = 0) { return outcome::Reason{.kind = k, .a = number}; }

// The packets in capture order, each under its connection, with what it
// says: retransmissions counted, challenge ACKs and resets noted, the
// applications' notes placed between the packets they came between.
class PacketReader {
 public:
  PacketReader(const scenario::Scenario& sc, const Raw& raw, outcome::Outcome& out)
      : sc_(sc),
        notes_(raw.apps.notes),
        ports_(raw.apps.ports),
        out_(out),
        story_(out.connections.size()),
        lines_(out.connections.size()),
        packets_of_(out.connections.size()),
        incident_(out.connections.size(), false) {
    for (const scenario::ClientGroup& g : sc.clients) rst_style_[g.name] = g.close_style == scenario::CloseStyle::rst;
  }

  void read(std::vector<CapturedPacket>& packets, std::int64_t t0) {
    for (CapturedPacket& cp : packets) {
      const Time t = at_ns(cp.mono_ns - t0);
      if (t < kTimeZero || t > kTimeZero + sc_.duration) continue;
      flush_notes_before(t);
      on_packet(cp, t);
    }
    flush_notes_before(kTimeMax);
    infer_all();
  }

  const capture::PacketReading& story(std::size_t c) const { return story_[c]; }
  const std::vector<outcome::ExplanationStep>& lines(std::size_t c) const { return lines_[c]; }
  bool incident(std::size_t c) const { return incident_[c]; }

 private:
  // `detached`: the event happened after the packet it is printed under.
  void annotate(std::size_t index, std::uint32_t conn, Time t, const outcome::Reason& why, bool detached = false) {
    lines_[conn].push_back(outcome::ExplanationStep{t, why});
    if (outcome::is_incident(why)) incident_[conn] = true;
    out_.annotations.push_back(outcome::Annotation{index, why, out_.connections[conn].name,
                                                   detached ? std::optional<Time>(t) : std::nullopt});
  }

  void flush_notes_before(Time t) {
    while (next_note_ < notes_.size() && notes_[next_note_].time < t) {
      const AppNote& n = notes_[next_note_++];
      const std::size_t index = out_.packets.empty() ? 0 : out_.packets.size() - 1;
      annotate(index, n.conn, n.time, n.reason, true);
    }
  }

  void on_packet(CapturedPacket& cp, Time t) {
    outcome::Packet p = std::move(cp.packet);
    p.time = t;
    p.from_client = p.src_port != sc_.server.port;
    const std::int64_t conn = ports_.conn_at(p.from_client ? p.src_port : p.dst_port, t);
    if (conn >= 0) p.connection = out_.connections[static_cast<std::size_t>(conn)].name;
    const std::size_t index = out_.packets.size();
    out_.packets.push_back(p);
    if (conn < 0) return;
    const auto c = static_cast<std::uint32_t>(conn);
    packets_of_[c].push_back(index);
    for (const outcome::Reason& n : cp.notes) annotate(index, c, t, n);
    tell(index, c, out_.packets.back());
  }

  // What the listener must have done, read off each connection's packets as
  // `synsim explain` reads them (capture::infer), under the packet it shows on.
  void infer_all() {
    if (out_.packets.empty()) return;
    const Time end = out_.packets.back().time;
    for (std::uint32_t c = 0; c < packets_of_.size(); ++c) {
      std::vector<const outcome::Packet*> ps;
      for (const std::size_t i : packets_of_[c]) ps.push_back(&out_.packets[i]);
      if (ps.empty()) continue;
      for (const capture::Inference& f : capture::infer(ps, capture::is_loopback(*ps.front()), end)) {
        const std::size_t index = packets_of_[c][f.packet];
        annotate(index, c, out_.packets[index].time, f.reason);
      }
      std::stable_sort(lines_[c].begin(), lines_[c].end(),
                       [](const outcome::ExplanationStep& a, const outcome::ExplanationStep& b) { return a.at < b.at; });
    }
  }

  // What the packet says about its connection: the capture's one reading
  // (sim/capture/story.h), which `synsim explain` makes of any capture.
  void tell(std::size_t index, std::uint32_t c, const outcome::Packet& p) {
    const outcome::ConnectionRecord& r = out_.connections[c];
    for (const outcome::Reason& why : story_[c].read(p, r.connect_done.has_value(), rst_style_[r.group])) {
      annotate(index, c, p.time, why);
    }
  }

  const scenario::Scenario& sc_;
  const std::vector<AppNote>& notes_;
  std::size_t next_note_ = 0;
  const PortIndex ports_;
  outcome::Outcome& out_;
  std::map<std::string, bool> rst_style_;
  std::vector<capture::PacketReading> story_;
  std::vector<std::vector<outcome::ExplanationStep>> lines_;
  std::vector<std::vector<std::size_t>> packets_of_;  // each connection's packets, indices into out_.packets
  std::vector<bool> incident_;
};

// The runner's own notes (at the first packet) and lost capture (at the
// last), then every annotation in packet order.
void add_run_annotations(const Raw& raw, outcome::Outcome& out) {
  if (!out.packets.empty()) {
    for (const outcome::Reason& n : raw.notes) out.annotations.push_back(outcome::Annotation{0, n, "", std::nullopt});
  }
  if (raw.capture_drops > 0 && !out.packets.empty()) {
    out.annotations.push_back(outcome::Annotation{
        out.packets.size() - 1,
        outcome::Reason{.kind = ReasonKind::kernel_capture_lost, .n = static_cast<std::int64_t>(raw.capture_drops)},
        "", std::nullopt});
  }
  std::stable_sort(out.annotations.begin(), out.annotations.end(),
                   [](const outcome::Annotation& a, const outcome::Annotation& b) {
                     return a.packet_index < b.packet_index;
                   });
}

// Each record's retransmission counts from the capture, its outcome and,
// when worth it, its explanation (the one judge decides both).
void finish_records(const scenario::Scenario& sc, const KernelOptions& opt, const PacketReader& read,
                    outcome::Outcome& out) {
  std::map<std::string, const scenario::ClientGroup*> groups;
  for (const scenario::ClientGroup& g : sc.clients) groups[g.name] = &g;
  for (std::size_t c = 0; c < out.connections.size(); ++c) {
    outcome::ConnectionRecord& r = out.connections[c];
    const capture::PacketReading& s = read.story(c);
    r.syn_retransmits = s.syn_retransmits();
    r.synack_retransmits = s.synack_retransmits();
    r.data_retransmits = s.data_retransmits();
    // Deviation: whether the server answered with a syncookie is not visible
    // on the wire or through any socket API; always false here.
    r.syncookie = false;
    r.outcome = outcome::judged_outcome(r, scenario::script_of(sc, *groups.at(r.group)));
    if (!outcome::worth_explaining(r, read.incident(c), opt.stall_threshold)) continue;
    r.explanation = read.lines(c);
    if (r.first_data_sent) {
      r.explanation.insert(r.explanation.begin(),
                           outcome::ExplanationStep{*r.first_data_sent, because(ReasonKind::kernel_request_written)});
    }
    if (const std::optional<outcome::Reason> end = outcome::conclusion(r)) {
      r.explanation.push_back(outcome::ExplanationStep{std::nullopt, *end});
    }
  }
}

// The listener's queues as sampled, and the accept queue's limit: backlog
// clamped by net.core.somaxconn, plus one (sk_acceptq_is_full() is '>').
void add_queues(const scenario::Scenario& sc, const Raw& raw, std::int64_t t0, outcome::Outcome& out) {
  out.queues.push_back(outcome::QueueSample{});
  for (const RawQueueSample& q : raw.queues) {
    if (q.mono_ns < t0) continue;
    out.queues.push_back(outcome::QueueSample{at_ns(q.mono_ns - t0), q.syn_queue, q.accept_queue});
  }
  std::int64_t backlog = sc.server.backlog;
  for (const scenario::SysctlSetting& s : sc.sysctls) {
    if (s.name == "net.core.somaxconn" && backlog > s.value) backlog = s.value;
  }
  out.accept_queue_limit = backlog + 1;
}

}  // namespace

void read_sockets(Raw& raw) {
  try {
    raw.sockets = dump_tcp_sockets();
  } catch (const std::runtime_error& e) {
    raw.notes.push_back(outcome::Reason{.kind = ReasonKind::kernel_sockets_unread, .text = e.what()});
  }
}

outcome::Outcome assemble(const scenario::Scenario& sc, const KernelOptions& opt, const std::string& release,
                          std::int64_t hz, Raw& raw) {
  outcome::Outcome out;
  out.info.scenario = sc.name;
  out.info.settings = sc.settings;
  out.info.source = "kernel";
  out.info.kernel = release;
  out.info.hz = hz;
  out.info.seed = sc.seed;
  out.info.duration = sc.duration;
  out.info.server_port = sc.server.port;
  out.info.server_address = sc.server.address;
  // Wire mode's TUN device sees every segment whatever the option.
  out.info.captured = opt.capture_packets || !raw.packets.empty();
  out.info.loader = opt.loader ? loader_kind_name(*opt.loader) : "";
  out.connections = std::move(raw.apps.records);

  const std::int64_t t0 = raw.apps.t0_mono_ns;
  PacketReader read(sc, raw, out);
  read.read(raw.packets, t0);
  add_run_annotations(raw, out);
  finish_records(sc, opt, read, out);
  out.counters = counter_deltas(raw.before, raw.after);
  add_queues(sc, raw, t0, out);
  if (raw.sockets) {
    const Duration end = raw.apps.stopped_early ? Duration{raw.apps.stopped_at_ns} : sc.duration;
    add_diag_sockets(*raw.sockets, sc.server.port, raw.apps.ports, kTimeZero + end, out);
  }
  return out;
}

}  // namespace synsim::kernel
