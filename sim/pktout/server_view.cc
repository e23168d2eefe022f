#include "sim/pktout/server_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "sim/pktout/timer_slack.h"
#include "sim/profile/profile.h"
#include "sim/report/reason_text.h"

namespace synsim::pktout {

namespace {

// TS values in the script count from here on each side, as the kernel's
// selftests write them (TS val 100 ecr 0 on a SYN).
constexpr std::uint32_t kTsBase = 100;

// A connection's numbers: each side's ISN (its first SYN, or SYN-ACK) and
// first TS val, which the script's relative numbers count from.
struct Origins {
  std::uint32_t client_isn = 0;
  std::uint32_t server_isn = 0;
  std::uint32_t client_ts = 0;
  std::uint32_t server_ts = 0;
};

Origins origins_of(const std::vector<const outcome::Packet*>& packets) {
  Origins o;
  bool client = false, server = false;
  for (const outcome::Packet* p : packets) {
    if (!(p->flags & outcome::kSyn)) continue;
    if (p->from_client && !client) {
      client = true;
      o.client_isn = p->seq;
      o.client_ts = p->options.ts_val;
    } else if (!p->from_client && !server) {
      server = true;
      o.server_isn = p->seq;
      o.server_ts = p->options.ts_val;
    }
  }
  return o;
}

ScriptSegment script_segment(const outcome::Packet& p, const Origins& o) {
  const std::uint32_t own_isn = p.from_client ? o.client_isn : o.server_isn;
  const std::uint32_t other_isn = p.from_client ? o.server_isn : o.client_isn;
  const std::uint32_t own_ts = p.from_client ? o.client_ts : o.server_ts;
  const std::uint32_t other_ts = p.from_client ? o.server_ts : o.client_ts;
  ScriptSegment s;
  s.flags = p.flags;
  s.seq = p.seq - own_isn;
  s.len = p.length;
  s.ack = (p.flags & outcome::kAck) ? p.ack - other_isn : 0;
  s.win = p.window;
  s.options = p.options;
  if (p.options.has_timestamp) {
    s.options.ts_val = p.options.ts_val - own_ts + kTsBase;
    s.options.ts_ecr = p.options.ts_ecr == 0 ? 0 : p.options.ts_ecr - other_ts + kTsBase;
  }
  for (outcome::SackBlock& b : s.options.sack) {
    b.left -= other_isn;
    b.right -= other_isn;
  }
  return s;
}

// The shown connections: the subject first, then the further peers.
struct Shown {
  std::size_t record = 0;
  bool subject = false;
  std::vector<const outcome::Packet*> packets;
  Origins origins;
  // Its lines stop when accept() takes it (a further peer), or with the script.
  Time until = kTimeMax;
};

std::vector<Shown> shown_connections(const outcome::Outcome& out, const ViewRequest& req) {
  std::vector<Shown> shown;
  std::map<std::string, std::size_t> by_name;
  auto add = [&](std::size_t record, bool subject) {
    Shown s;
    s.record = record;
    s.subject = subject;
    const outcome::ConnectionRecord& c = out.connections[record];
    if (!subject && c.accepted) s.until = *c.accepted;
    by_name[c.name] = shown.size();
    shown.push_back(std::move(s));
  };
  add(req.subject, true);
  for (std::size_t f : req.further) add(f, false);
  for (const outcome::Packet& p : out.packets) {
    const auto it = by_name.find(p.connection);
    if (it != by_name.end()) shown[it->second].packets.push_back(&p);
  }
  for (Shown& s : shown) s.origins = origins_of(s.packets);
  return shown;
}

// The script ends with its subject: its last segment, or its last call.
Time subject_end(const Shown& subject, const outcome::ConnectionRecord& c) {
  Time end = kTimeZero;
  if (!subject.packets.empty()) end = subject.packets.back()->time;
  for (const std::optional<Time>& t : {c.accepted, c.data_delivered}) {
    if (t) end = std::max(end, *t);
  }
  return end;
}

struct Call {
  Time at{};
  std::string text;
  // The segment it sent (write()'s first, close()'s FIN): the call's line
  // goes right before it.
  const outcome::Packet* sent = nullptr;
};

// The subject's server segment an application's call sent: its first
// payload (write()), its FIN (close()).
const outcome::Packet* first_server(const Shown& s, std::uint8_t flag, bool payload) {
  for (const outcome::Packet* p : s.packets) {
    if (p->from_client) continue;
    if ((payload && p->length > 0) || (!payload && (p->flags & flag))) return p;
  }
  return nullptr;
}

// The subject's calls after accept(), as the scenario's server makes them
// (on_data: read the request, write the response, close after it).
std::vector<Call> subject_calls(const scenario::Scenario& sc, const outcome::ConnectionRecord& c, const Shown& s,
                                int fd) {
  std::vector<Call> calls;
  if (!c.accepted) return calls;
  const scenario::ClientGroup* group = nullptr;
  for (const scenario::ClientGroup& g : sc.clients) {
    if (g.name == c.group) group = &g;
  }
  const std::uint32_t request = group != nullptr && group->send ? group->send->bytes : 0;
  if (c.data_delivered && request > 0) {
    // tcp_recvmsg(): the request, whole, once it is queued and accepted.
    calls.push_back(
        {std::max(*c.accepted, *c.data_delivered), fmt::format("read({}, ..., {}) = {}", fd, request, request)});
  }
  if (const outcome::Packet* w = first_server(s, 0, true)) {
    // tcp_sendmsg(): the response, one write.
    const std::uint32_t n = sc.server.on_data.respond_bytes;
    calls.push_back({w->time, fmt::format("write({}, ..., {}) = {}", fd, n, n), w});
  }
  if (const outcome::Packet* f = first_server(s, outcome::kFin, false)) {
    // tcp_close(): a FIN after the response.
    calls.push_back({f->time, fmt::format("close({}) = 0", fd), f});
  }
  return calls;
}

// accept() for every shown connection the application accepted, in the
// order it did, each returning the lowest free descriptor (__alloc_fd());
// the subject's close() frees its own. Then the subject's other calls.
std::vector<Call> server_calls(const scenario::Scenario& sc, const outcome::Outcome& out,
                               const std::vector<Shown>& shown, Time end) {
  std::vector<const Shown*> accepted;
  for (const Shown& s : shown) {
    if (out.connections[s.record].accepted && *out.connections[s.record].accepted <= end) accepted.push_back(&s);
  }
  std::stable_sort(accepted.begin(), accepted.end(), [&](const Shown* a, const Shown* b) {
    return *out.connections[a->record].accepted < *out.connections[b->record].accepted;
  });
  const outcome::Packet* fin = first_server(shown.front(), outcome::kFin, false);
  // When the subject's server socket closes (kTimeMax: no FIN in the run).
  const Time subject_close = fin != nullptr ? fin->time : kTimeMax;
  std::vector<Call> calls;
  std::set<int> open = {kListenerFd};
  int subject_fd = -1;  // the subject's accepted fd while it is open
  for (const Shown* s : accepted) {
    const outcome::ConnectionRecord& c = out.connections[s->record];
    if (subject_fd >= 0 && subject_close <= *c.accepted) {
      open.erase(subject_fd);
      subject_fd = -1;
    }
    int fd = kListenerFd + 1;
    while (open.count(fd)) ++fd;
    open.insert(fd);
    calls.push_back({*c.accepted, fmt::format("accept({}, ..., ...) = {}", kListenerFd, fd)});
    if (!s->subject) continue;
    subject_fd = fd;
    std::vector<Call> own = subject_calls(sc, c, *s, fd);
    calls.insert(calls.end(), own.begin(), own.end());
  }
  std::stable_sort(calls.begin(), calls.end(), [](const Call& a, const Call& b) { return a.at < b.at; });
  return calls;
}

// The model's reasons under each packet, for the shown connections only
// (another connection's reason would speak of a peer the script leaves out).
std::map<std::size_t, std::vector<const outcome::Annotation*>> notes_by_packet(const outcome::Outcome& out,
                                                                               const std::set<std::string>& names) {
  std::map<std::size_t, std::vector<const outcome::Annotation*>> notes;
  for (const outcome::Annotation& a : out.annotations) {
    const std::string& who = a.connection.empty() ? out.packets[a.packet_index].connection : a.connection;
    if (names.count(who)) notes[a.packet_index].push_back(&a);
  }
  return notes;
}

// How far the kernel may move this outbound segment from the model's time:
// only a retransmitted SYN-ACK is a timer's (timer_slack.h); every other
// segment the server sends answers a segment or a call at once.
Duration slack_of(const std::vector<const outcome::Annotation*>& notes, const profile::Profile& prof,
                  std::int64_t hz) {
  for (const outcome::Annotation* a : notes) {
    if (a->reason.kind == outcome::ReasonKind::synack_retransmit ||
        a->reason.kind == outcome::ReasonKind::synack_sweep_retransmit_2_5) {
      return synack_retransmit_slack(prof, hz, a->reason.a);
    }
  }
  return Duration{};
}

std::vector<ScriptLine> packet_lines(const outcome::Outcome& out, const std::vector<Shown>& shown, Time end,
                                     const profile::Profile& prof) {
  std::set<std::string> names;
  for (const Shown& s : shown) names.insert(out.connections[s.record].name);
  const auto notes = notes_by_packet(out, names);
  std::vector<ScriptLine> lines;
  for (std::size_t i = 0; i < out.packets.size(); ++i) {
    const outcome::Packet& p = out.packets[i];
    if (p.time > end || !names.count(p.connection)) continue;
    const Shown* s = nullptr;
    for (const Shown& candidate : shown) {
      if (out.connections[candidate.record].name == p.connection) s = &candidate;
    }
    if (p.time > s->until) continue;
    ScriptLine line;
    line.at = p.time;
    line.packet = i;
    line.kind = p.from_client ? LineKind::inbound : LineKind::outbound;
    line.port = p.from_client ? p.src_port : p.dst_port;
    line.segment = script_segment(p, s->origins);
    const auto it = notes.find(i);
    if (it != notes.end()) {
      for (const outcome::Annotation* a : it->second) {
        line.notes.push_back((a->connection.empty() ? p.connection : a->connection) + ": " +
                             report::annotation_text(*a));
      }
      if (!p.from_client) line.slack = slack_of(it->second, prof, out.info.hz);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// A call at `at` goes after every segment before it, and after the
// clients' segments at the same time (the call saw them), but before the
// server's at the same time (the call sent them).
// Where a call's line goes, from `from` on.
std::size_t place_of(const std::vector<ScriptLine>& lines, std::size_t from, const Call& c,
                     const outcome::Outcome& out) {
  std::size_t i = from;
  for (; i < lines.size(); ++i) {
    const ScriptLine& l = lines[i];
    if (c.sent != nullptr && l.packet && &out.packets[*l.packet] == c.sent) break;  // right before what it sent
    if (l.at > c.at) break;
    if (l.at == c.at && c.sent == nullptr && l.kind == LineKind::outbound) break;
  }
  return i;
}

void insert_calls(std::vector<ScriptLine>& lines, const std::vector<Call>& calls, const outcome::Outcome& out) {
  std::size_t from = 0;
  for (const Call& c : calls) {
    const std::size_t i = place_of(lines, from, c, out);
    ScriptLine line;
    line.at = c.at;
    line.kind = LineKind::call;
    line.call = c.text;
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), std::move(line));
    from = i + 1;
  }
}

// The model delivers a burst of clients' segments sent in the same instant
// before the listener answers any (loopback's softirq batch: all of them
// are queued before the first is processed); a script's player injects one
// line at a time, and the kernel answers each before the next is written
// into its TUN device (tun_get_user() -> netif_rx(), processed as the write
// returns). So an answer moves up to right after the segment it answers,
// past the burst's other segments and the application's accept() and
// read() calls (which send nothing) within a millisecond of it.
constexpr Duration kBurst = ms(1);

bool passable(const ScriptLine& l, const ScriptLine& answer) {
  if (answer.at - l.at > kBurst) return false;
  if (l.kind == LineKind::call) return l.call.starts_with("accept(") || l.call.starts_with("read(");
  return l.kind == LineKind::inbound && l.port != answer.port;
}

void answers_follow_their_segments(std::vector<ScriptLine>& lines) {
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].kind != LineKind::outbound || lines[i].slack != Duration{}) continue;
    std::size_t j = i;
    while (j > 0 && passable(lines[j - 1], lines[i])) --j;
    if (j == i || j == 0 || lines[j - 1].kind != LineKind::inbound || lines[j - 1].port != lines[i].port) continue;
    ScriptLine answer = std::move(lines[i]);
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(j), std::move(answer));
  }
  // A script's times never go back (packetdrill refuses them): a segment
  // moved past by an answer is injected the microseconds later.
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].slack == Duration{} && lines[i].at < lines[i - 1].at) lines[i].at = lines[i - 1].at;
  }
}

bool follows(const ScriptLine& before, const ScriptLine& l) {
  return l.slack == Duration{} && l.at - before.at <= kBurst;
}

// Two shown connections on one client port would be one remote peer.
std::string shared_port(const outcome::Outcome& out, const std::vector<Shown>& shown) {
  std::map<std::uint16_t, std::string> seen;
  for (const Shown& s : shown) {
    const outcome::ConnectionRecord& c = out.connections[s.record];
    if (s.packets.empty()) return fmt::format("{} sent no segment to the listener", c.name);
    const auto [it, fresh] = seen.emplace(c.client_port, c.name);
    if (!fresh) {
      return fmt::format("{} and {} both used client port {}: a script names a remote peer by its port", it->second,
                         c.name, c.client_port);
    }
  }
  return "";
}

}  // namespace

ServerView server_view(const scenario::Scenario& sc, const outcome::Outcome& out, const ViewRequest& req) {
  ServerView view;
  const profile::Profile* prof = profile::find_profile(out.info.kernel);
  const std::vector<Shown> shown = shown_connections(out, req);
  view.cannot = shared_port(out, shown);
  if (!view.cannot.empty() || prof == nullptr) return view;
  const Time end = subject_end(shown.front(), out.connections[req.subject]);
  view.lines = packet_lines(out, shown, end, *prof);
  insert_calls(view.lines, server_calls(sc, out, shown, end), out);
  answers_follow_their_segments(view.lines);
  for (std::size_t i = 1; i < view.lines.size(); ++i) view.lines[i].follows = follows(view.lines[i - 1], view.lines[i]);
  return view;
}

}  // namespace synsim::pktout
