#include "sim/kernel/assemble.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "sim/core/seq.h"
#include "sim/kernel/ports.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/segment_kind.h"
#include "sim/scenario/connections.h"

namespace synsim::kernel {
namespace {

using outcome::ReasonKind;

outcome::Reason because(ReasonKind k, std::uint32_t number = 0) { return outcome::Reason{.kind = k, .a = number}; }

// Per connection, what the capture says happened to it.
struct WireStory {
  std::uint32_t syns = 0, synacks = 0, data_sends = 0;
  bool answer_due = false;  // a retransmitted SYN-ACK went to an established client
  bool data_seen = false;
  std::uint32_t data_end = 0;  // highest sequence sent + 1
};

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
  }

  const WireStory& story(std::size_t c) const { return story_[c]; }
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
    for (const outcome::Reason& n : cp.notes) annotate(index, c, t, n);
    tell(index, c, out_.packets.back());
  }

  // What the packet says about its connection's story.
  void tell(std::size_t index, std::uint32_t c, const outcome::Packet& p) {
    WireStory& s = story_[c];
    const Time t = p.time;
    const outcome::SegmentKind kind = outcome::segment_kind(p);
    const bool answer_due = s.answer_due;
    s.answer_due = false;
    if (answer_due && p.from_client && p.flags == outcome::kAck && p.length == 0) {
      annotate(index, c, t, because(ReasonKind::kernel_challenge_ack));
    } else if (p.from_client && kind == outcome::SegmentKind::syn) {
      if (++s.syns > 1) annotate(index, c, t, because(ReasonKind::kernel_syn_retransmitted, s.syns - 1));
    } else if (!p.from_client && kind == outcome::SegmentKind::synack) {
      if (++s.synacks > 1) {
        s.answer_due = s.data_seen || out_.connections[c].connect_done.has_value();
        annotate(index, c, t, because(ReasonKind::kernel_synack_retransmitted, s.synacks - 1));
      }
    } else if (p.from_client && kind == outcome::SegmentKind::data) {
      const std::uint32_t end = p.seq + p.length;
      if (s.data_seen && seq::before(p.seq, s.data_end)) {
        ++s.data_sends;
        annotate(index, c, t, because(ReasonKind::kernel_request_retransmitted, s.data_sends));
      }
      if (!s.data_seen || seq::after(end, s.data_end)) s.data_end = end;
      s.data_seen = true;
    } else if (!p.from_client && kind == outcome::SegmentKind::rst) {
      annotate(index, c, t, because(ReasonKind::kernel_server_rst));
    } else if (p.from_client && kind == outcome::SegmentKind::rst) {
      // A client RST is expected with close_style rst; otherwise worth a line.
      if (!rst_style_[out_.connections[c].group]) annotate(index, c, t, because(ReasonKind::kernel_client_rst));
    }
  }

  const scenario::Scenario& sc_;
  const std::vector<AppNote>& notes_;
  std::size_t next_note_ = 0;
  const PortIndex ports_;
  outcome::Outcome& out_;
  std::map<std::string, bool> rst_style_;
  std::vector<WireStory> story_;
  std::vector<std::vector<outcome::ExplanationStep>> lines_;
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
    const WireStory& s = read.story(c);
    r.syn_retransmits = s.syns > 1 ? s.syns - 1 : 0;
    r.synack_retransmits = s.synacks > 1 ? s.synacks - 1 : 0;
    r.data_retransmits = s.data_sends;
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
