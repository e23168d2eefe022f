#include "sim/capture/derive.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "sim/capture/derive_parts.h"
#include "sim/outcome/segment_kind.h"
#include "sim/scenario/load.h"

namespace synsim::capture {

namespace {

using namespace derive_detail;
using outcome::ConnectionRecord;
using outcome::Packet;
using outcome::ReasonKind;

// A retransmission (of a SYN or of a request) and whether the listener took it.
struct Retry {
  Time at;
  bool admitted;
};

class Deriving {
 public:
  Deriving(const outcome::Outcome& out, const std::string& name) : out_(out) {
    d_.scenario.name = name;
    collect();
  }

  DerivedScenario run() {
    scenario::Scenario& sc = d_.scenario;
    sc.description = fmt::format(
        "Derived by `synsim explain --scenario` from the capture {} ({} connections): its arrivals, what its "
        "clients and server sent, and what its listener must have been, each inference commented where it is "
        "written. Play it with `synsim run`, or on this machine's kernel with `synsim kernel`.",
        out_.info.scenario, conns_.size());
    note("", "Written by synsim explain --scenario: the capture's load and listener as a scenario.");
    note("", "Each comment says what a value was read from; a value without one is the format's default.");
    sc.kernel = "linux-6.18";
    note("kernel", "The capture does not say which kernel it ran on: today's rules (linux-6.18).");
    server();
    clients();
    listener();
    duration();
    return std::move(d_);
  }

 private:
  void note(const std::string& key, std::string line) { d_.comments[key].push_back(std::move(line)); }

  void collect() {
    std::map<std::string, std::size_t> by_name;
    for (const ConnectionRecord& r : out_.connections) {
      if (!r.connect_start) continue;  // no SYN seen: began before the capture
      by_name[r.name] = conns_.size();
      conns_.push_back(Conn{.r = &r, .packets = {}});
    }
    for (const Packet& p : out_.packets) {
      const auto it = by_name.find(p.connection);
      if (it != by_name.end()) conns_[it->second].packets.push_back(&p);
    }
    for (Conn& c : conns_) read_segments(c);
    std::stable_sort(conns_.begin(), conns_.end(),
                     [](const Conn& a, const Conn& b) { return *a.r->connect_start < *b.r->connect_start; });
    if (!conns_.empty()) origin_ = *conns_.front().r->connect_start;
  }



  Duration since_origin(Time t) const { return std::max(Duration{0}, t - origin_); }
  std::vector<const Conn*> with_response() const {
    std::vector<const Conn*> v;
    for (const Conn& c : conns_) {
      if (c.response_bytes > 0 && c.r->response_received) v.push_back(&c);
    }
    return v;
  }

  void server();
  void clients();
  void client_few();
  void client_load();
  void arrivals(scenario::ClientGroup& g);
  void listener();
  void accept_queue_limit();
  std::optional<std::int64_t> limit_from_bursts();
  std::optional<std::int64_t> limit_from_overflows();
  void accept_timing();
  void pace(const std::vector<Time>& answers);
  void duration();

  const outcome::Outcome& out_;
  DerivedScenario d_;
  std::vector<Conn> conns_;
  Time origin_{};
  bool overflowed_ = false;
};

void Deriving::server() {
  scenario::ServerSpec& s = d_.scenario.server;
  s.port = out_.info.server_port;
  const Packet& p = out_.packets.front();
  const std::string& addr = p.from_client ? p.dst_addr : p.src_addr;
  if (addr.starts_with("127.")) {
    s.address = addr;
  } else {
    note("server.listen", fmt::format("The capture's server was {}; a scenario listens on loopback.", addr));
  }
  std::vector<std::uint32_t> sizes;
  bool fin = false;
  for (const Conn& c : conns_) {
    if (c.request_bytes > 0) sizes.push_back(c.response_bytes);
    fin = fin || c.server_fin;
  }
  if (!sizes.empty()) {
    s.on_data.respond_bytes = std::min<std::uint32_t>(mode(sizes), 1'048'576);
    note("server.on_data.respond_bytes",
         fmt::format("The server's answer to most requests ({} of {} requests): {} bytes.",
                     std::count(sizes.begin(), sizes.end(), mode(sizes)), sizes.size(), mode(sizes)));
  }
  s.on_data.close = fin ? scenario::ServerClose::after_response : scenario::ServerClose::never;
  note("server.on_data.close", fin ? "The server sent FIN after its answer." : "The server never sent FIN.");
}

void Deriving::clients() {
  if (conns_.size() <= kFewConnections) {
    client_few();
  } else {
    client_load();
  }
}


void Deriving::client_few() {
  const Time end = out_.packets.back().time;
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    const Conn& c = conns_[i];
    scenario::ClientGroup g = script_of(c, origin_, end);
    g.name = fmt::format("c{}", i);
    g.count = 1;
    g.start = round_to(since_origin(*c.r->connect_start), us(1));
    const std::string key = "clients." + g.name;
    note(key, fmt::format("{} (client port {}): its first SYN at {}.", c.r->name, c.r->client_port,
                          scenario::exact_duration(g.start)));
    if (g.defer_final_ack) {
      note(key + ".defer_final_ack", "Its final ACK rode on its request: no ACK of its own after the SYN-ACK.");
    }
    d_.scenario.clients.push_back(std::move(g));
  }
}

void Deriving::client_load() {
  scenario::ClientGroup g = script_of(conns_.front(), origin_, out_.packets.back().time);
  g.name = "load";
  g.count = static_cast<std::uint32_t>(std::min<std::size_t>(conns_.size(), scenario::kMaxConnectionsPerGroup));
  const std::string key = "clients.load";
  // The clients' common script: the request most wrote, the median wait
  // between connect() returning and the write, the close most made.
  std::vector<std::uint32_t> bytes;
  std::vector<std::int64_t> after;
  std::vector<int> closes;
  std::size_t deferred = 0, rst = 0;
  const Time end = out_.packets.back().time;
  for (const Conn& c : conns_) {
    const scenario::ClientGroup one = script_of(c, origin_, end);
    if (one.send) bytes.push_back(one.send->bytes);
    if (one.send && one.send->anchor == scenario::SendSpec::Anchor::after_connect) after.push_back(one.send->time.count());
    closes.push_back(static_cast<int>(one.close.kind));
    deferred += one.defer_final_ack;
    rst += one.close_style == scenario::CloseStyle::rst;
  }
  g.defer_final_ack = false;
  if (!bytes.empty()) {
    g.send = scenario::SendSpec{.bytes = mode(bytes), .anchor = scenario::SendSpec::Anchor::after_connect,
                                .time = after.empty() ? Duration{0} : round_to(Duration{median(after)}, us(1))};
    note(key + ".send", fmt::format("{} of {} clients wrote a request, most of them {} bytes, a median {} after "
                                    "connect() returned.",
                                    bytes.size(), conns_.size(), g.send->bytes, scenario::exact_duration(g.send->time)));
  }
  if (deferred > 0) note(key + ".send", fmt::format("{} deferred their final ACK onto the request (not modelled "
                                                    "for a load: the group writes after connect()).", deferred));
  g.close.kind = static_cast<scenario::CloseSpec::Kind>(mode(closes));
  if (g.close.kind == scenario::CloseSpec::Kind::at) g.close.kind = scenario::CloseSpec::Kind::never;
  g.close_style = rst * 2 > conns_.size() ? scenario::CloseStyle::rst : scenario::CloseStyle::fin;
  note(key + ".close", fmt::format("{} of {} clients closed with RST.", rst, conns_.size()));
  arrivals(g);
  d_.scenario.clients.push_back(std::move(g));
}

void Deriving::arrivals(scenario::ClientGroup& g) {
  const std::string key = "clients.load.arrival";
  const Flight f = in_flight(conns_);
  const Duration span = *conns_.back().r->connect_start - *conns_.front().r->connect_start;
  if (f.considered > 0 && f.after_close * 10 >= f.considered * 7) {
    g.arrival.kind = scenario::ArrivalSpec::Kind::concurrency;
    g.arrival.concurrency = f.peak;
    note(key, fmt::format("A closed loop: at most {} connections in flight at once, and {} of the {} connect() "
                          "calls after the first {} came within {} of another connection's close.",
                          f.peak, f.after_close, f.considered, f.peak, scenario::exact_duration(kFollowsClose)));
    return;
  }
  if (span <= kBurstGap) {
    g.arrival.kind = scenario::ArrivalSpec::Kind::burst;
    g.arrival.burst = g.count;
    note(key, fmt::format("A burst: all {} connect() calls within {}.", g.count, scenario::exact_duration(span)));
    return;
  }
  g.arrival.kind = scenario::ArrivalSpec::Kind::rate;
  const std::uint64_t n = conns_.size() - 1;
  g.arrival.rate_per_s = std::max<std::uint64_t>(1, (n * 1'000'000'000 + static_cast<std::uint64_t>(span.count()) / 2) /
                                                        static_cast<std::uint64_t>(span.count()));
  // Evenly spaced gaps vary little; a Poisson process's vary as much as
  // their mean (coefficient of variation 1): call it Poisson above 1/2.
  __int128 sum = 0, sq = 0;
  for (std::size_t i = 1; i < conns_.size(); ++i) {
    const __int128 gap = (*conns_[i].r->connect_start - *conns_[i - 1].r->connect_start).count();
    sum += gap;
    sq += gap * gap;
  }
  const __int128 m = static_cast<__int128>(n);
  const __int128 variance_m2 = sq * m - sum * sum;  // n^2 * variance
  g.arrival.poisson = variance_m2 * 4 > sum * sum;  // variance > mean^2 / 4
  note(key, fmt::format("An open loop: {} connect() calls in {}, {} apart ({}).", conns_.size(),
                        scenario::exact_duration(round_to(span, us(1))),
                        g.arrival.poisson ? "irregularly" : "evenly",
                        g.arrival.poisson ? "gaps as varied as a Poisson process's" : "gaps varying little"));
}

void Deriving::listener() {
  for (const Conn& c : conns_) {
    const ConnectionRecord& r = *c.r;
    overflowed_ = overflowed_ || has(r, ReasonKind::capture_final_ack_dropped) ||
                  has(r, ReasonKind::capture_syncookie) || has(r, ReasonKind::capture_abort_on_overflow) ||
                  has(r, ReasonKind::capture_syn_dropped) || request_ignored(r, c.packets);
  }
  accept_queue_limit();
  accept_timing();
  std::vector<scenario::SysctlSetting>& sys = d_.scenario.sysctls;
  const auto abort = std::find_if(conns_.begin(), conns_.end(), [](const Conn& c) {
    return has(*c.r, ReasonKind::capture_abort_on_overflow);
  });
  if (abort != conns_.end()) {
    sys.push_back({.name = "net.ipv4.tcp_abort_on_overflow", .value = 1, .where = {}});
    note("sysctl.net.ipv4.tcp_abort_on_overflow",
         fmt::format("{} was reset at its final ACK: an overflow answered with RST.", abort->r->name));
  }
  for (const Conn& c : conns_) {
    const outcome::Reason* e = first(*c.r, ReasonKind::capture_request_expired);
    if (e == nullptr) continue;
    sys.push_back({.name = "net.ipv4.tcp_synack_retries", .value = e->a, .where = {}});
    note("sysctl.net.ipv4.tcp_synack_retries",
         fmt::format("{}'s request expired after {} SYN-ACK retransmissions.", c.r->name, e->a));
    break;
  }
}
void Deriving::accept_queue_limit() {
  scenario::ServerSpec& s = d_.scenario.server;
  const std::optional<std::int64_t> bursts = limit_from_bursts();
  const std::optional<std::int64_t> overflows = limit_from_overflows();
  d_.limit_from_bursts = bursts;
  d_.limit_from_overflows = overflows;
  if (bursts || overflows) {
    // The overflows bound the limit from above: a burst that let more in
    // had the acceptor taking some meanwhile.
    const bool from_bursts = bursts && (!overflows || *bursts <= *overflows);
    s.backlog = (from_bursts ? *bursts : *overflows) - 1;
    note("server.backlog", fmt::format("backlog {} = the accept queue's limit less one ({}).", s.backlog,
                                       from_bursts ? "from the retransmission bursts" : "from the overflows"));
    return;
  }
  const std::uint32_t peak = in_flight(conns_).peak;
  s.backlog = std::max<std::int64_t>(128, peak);
  note("server.backlog", overflowed_ ? "Connections overflowed, but the capture shows no limit: kept at the larger "
                                       "of the format's default (128) and the most connections in flight."
                                     : "Nothing overflowed: any accept queue holding every connection in flight "
                                       "reproduces it; the larger of the format's default (128) and that peak.");
}

// A request ignored on a full accept queue (a cookie's, or one kept acked)
// is retransmitted by the client's RTO, in lockstep with the others of its
// tick; the one transmission that the server then acknowledged made the
// child, the others were ignored again.
void request_retries(const Conn& c, std::vector<Retry>& retries) {
  const ConnectionRecord& r = *c.r;
  if (r.data_retransmits == 0 || !r.first_data_sent) return;
  std::vector<Time> sent;  // the retransmissions
  for (const Packet* p : c.packets) {
    if (p->from_client && p->length > 0 && p->time > *r.first_data_sent) sent.push_back(p->time);
  }
  // The one the server took: the last sent before the request was delivered.
  std::optional<std::size_t> taken;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (r.data_delivered && sent[i] <= *r.data_delivered) taken = i;
  }
  for (std::size_t i = 0; i < sent.size(); ++i) retries.push_back({sent[i], taken == i});
}

// Retransmitted SYNs leave in lockstep, one timer tick's worth together;
// when the acceptor is behind, exactly as many get in as the accept queue
// holds (backlog + 1) and the rest are dropped again. The most common such
// count, over the bursts that turned some away.
std::optional<std::int64_t> Deriving::limit_from_bursts() {
  std::vector<Retry> retries;
  for (const Conn& c : conns_) {
    const bool dropped_later = has(*c.r, ReasonKind::capture_final_ack_dropped) ||
                               has(*c.r, ReasonKind::capture_syncookie);
    std::uint32_t syns = 0;
    constexpr std::size_t kNone = ~std::size_t{0};
    std::size_t pending = kNone;  // the last SYN retransmission, until we know its fate
    for (const Packet* p : c.packets) {
      const outcome::SegmentKind k = outcome::segment_kind(*p);
      if (p->from_client && k == outcome::SegmentKind::syn) {
        if (pending != kNone) retries[pending].admitted = false;
        pending = kNone;
        if (++syns >= 2) {
          pending = retries.size();
          retries.push_back({p->time, false});
        }
      } else if (!p->from_client && k == outcome::SegmentKind::synack && pending != kNone) {
        retries[pending].admitted = !dropped_later;
        pending = kNone;
      }
    }
    request_retries(c, retries);
  }
  std::sort(retries.begin(), retries.end(), [](const Retry& a, const Retry& b) { return a.at < b.at; });
  std::vector<std::int64_t> admitted;  // per burst that turned some away
  for (std::size_t i = 0; i < retries.size();) {
    std::size_t j = i + 1;
    while (j < retries.size() && retries[j].at - retries[j - 1].at <= kBurstGap) ++j;
    const std::int64_t in = std::count_if(retries.begin() + static_cast<std::ptrdiff_t>(i),
                                          retries.begin() + static_cast<std::ptrdiff_t>(j),
                                          [](const Retry& r) { return r.admitted; });
    if (in > 0 && in < static_cast<std::int64_t>(j - i)) admitted.push_back(in);
    i = j;
  }
  if (admitted.empty()) return std::nullopt;
  const std::int64_t limit = mode(admitted);
  const auto agree = std::count(admitted.begin(), admitted.end(), limit);
  note("server.backlog",
       fmt::format("{} of the {} retransmission bursts (SYNs, or requests ignored on a full accept queue) that "
                   "turned connections away let exactly {} in: the accept queue's limit (backlog + 1) when the "
                   "acceptor was behind.",
                   agree, admitted.size(), limit));
  return limit;
}

// When a final ACK or a SYN overflowed, the accept queue was full: it held
// every child not yet taken by the application. The capture cannot see
// accept(), so it counts the children made and not yet answered or closed:
// at least the queue. The smallest count over the overflows bounds the limit.
std::optional<std::int64_t> Deriving::limit_from_overflows() {
  std::vector<Time> episodes, made, gone;
  const Time end = out_.packets.back().time;
  for (const Conn& c : conns_) {
    const ConnectionRecord& r = *c.r;
    bool over = false;
    for (const outcome::ExplanationStep& s : r.explanation) {
      if (!s.at) continue;
      const ReasonKind k = s.reason.kind;
      if (k == ReasonKind::capture_final_ack_dropped || k == ReasonKind::capture_abort_on_overflow) {
        episodes.push_back(*s.at);
        over = true;
      } else if (k == ReasonKind::capture_syn_dropped) {
        episodes.push_back(*s.at);  // since v4.10 a SYN meeting a full accept queue is dropped
      } else if (k == ReasonKind::capture_syncookie && r.connect_done) {
        episodes.push_back(*r.connect_done);  // the cookie's ACK, ignored
        over = true;
      }
    }
    if (request_ignored(r, c.packets) && r.first_data_sent) {
      episodes.push_back(*r.first_data_sent);
      over = true;
    }
    if (over || !r.connect_done) continue;
    made.push_back(*r.connect_done);
    Time left = end + ns(1);
    if (r.response_received) left = std::min(left, *r.response_received);
    if (r.closed) left = std::min(left, *r.closed);
    gone.push_back(left);
  }
  if (episodes.empty()) return std::nullopt;
  std::sort(made.begin(), made.end());
  std::sort(gone.begin(), gone.end());
  std::optional<std::int64_t> least;
  for (const Time t : episodes) {
    const auto in = std::upper_bound(made.begin(), made.end(), t) - made.begin();
    const auto out = std::upper_bound(gone.begin(), gone.end(), t) - gone.begin();
    least = std::min(least.value_or(INT64_MAX), static_cast<std::int64_t>(in - out));
  }
  if (!least || *least <= 0) return std::nullopt;
  note("server.backlog",
       fmt::format("At each of the {} overflows, at least {} children were made and not yet answered or closed: "
                   "the accept queue's limit is at most {}.",
                   episodes.size(), *least, *least));
  return least;
}

// When the application took its connections: a late start (the first
// answer long after the first request was delivered), its pace while the
// queue was full, or, with no answers at all, between the last ignored
// and the first taken segment of an overflowed request; never, if none was.
void Deriving::accept_timing() {
  scenario::AcceptSpec& a = d_.scenario.server.accept;
  std::vector<Time> answers, delivered;
  for (const Conn& c : conns_) {
    if (c.response_bytes > 0 && c.r->response_received) answers.push_back(*c.r->response_received);
    if (c.r->data_delivered) delivered.push_back(*c.r->data_delivered);
  }
  std::sort(answers.begin(), answers.end());
  std::sort(delivered.begin(), delivered.end());
  if (!answers.empty()) {
    if (!delivered.empty() && answers.front() - delivered.front() > kLateAccept) {
      a.start = Duration{since_origin(answers.front()).count() / 1'000'000 * 1'000'000};
      note("server.accept.start", fmt::format("The first request was delivered at {}, the first answer came at {}: "
                                              "the application was not accepting before.",
                                              format_seconds(delivered.front() - origin_),
                                              format_seconds(answers.front() - origin_)));
    }
    // A load's pace: a handful of connections has no steady one.
    if (overflowed_ && conns_.size() > kFewConnections) pace(answers);
    return;
  }
  if (!overflowed_) return;
  std::optional<std::pair<Time, Time>> window;  // (last ignored, first taken)
  for (const Conn& c : conns_) {
    const bool over = has(*c.r, ReasonKind::capture_final_ack_dropped) || request_ignored(*c.r, c.packets);
    if (!over || !c.r->data_delivered) continue;
    std::optional<Time> before, taken;
    for (const Packet* p : c.packets) {
      if (!p->from_client || p->time > *c.r->data_delivered) continue;
      before = taken;
      taken = p->time;
    }
    if (before && taken && (!window || *taken < window->second)) window = std::make_pair(*before, *taken);
  }
  if (window) {
    a.start = round_to(since_origin(window->first + (window->second - window->first) / 2), ms(1));
    note("server.accept.start",
         fmt::format("No answers; an overflowed request was ignored at {} and taken at {}: the application made "
                     "room in between (midway).",
                     format_seconds(window->first - origin_), format_seconds(window->second - origin_)));
  } else {
    a.never = true;
    note("server.accept", "No answers, and no request that met a full accept queue was ever taken: as far as the "
                          "capture shows, the application never accepted.");
  }
}

// The most answers the server gave in any window of kPaceWindow: its pace
// at its busiest, as the cost of each accept() (the model's own costs of
// accept(), read() and the reply come on top).
void Deriving::pace(const std::vector<Time>& answers) {
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; j < answers.size(); ++j) {
    while (answers[j] - answers[i] >= kPaceWindow) ++i;
    most = std::max(most, j - i + 1);
  }
  if (most < 2) return;
  const Duration each = round_to(kPaceWindow / static_cast<std::int64_t>(most), us(1));
  if (each <= Duration{0}) return;
  d_.scenario.server.accept.per_accept_cost = each;
  note("server.accept.mode",
       fmt::format("The accept queue overflowed, and the server answered at most {} requests in any {}: one every "
                   "{}, taken as the cost of each accept().",
                   most, scenario::exact_duration(kPaceWindow), scenario::exact_duration(each)));
}

void Deriving::duration() {
  const Duration span = out_.packets.back().time - origin_;
  d_.scenario.duration = std::max(sec(1), ceil_to(span, sec(1)));
  note("duration", fmt::format("The capture's {} from the first SYN, to the next whole second.",
                               format_seconds(span)));
}

}  // namespace

DerivedScenario derive_scenario(const outcome::Outcome& explained, const std::string& name) {
  return Deriving(explained, name).run();
}

std::string scenario_name_for(const std::string& capture_path) {
  std::string stem = capture_path.substr(capture_path.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  std::string name;
  for (const char ch : stem) {
    const char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok && !name.empty() && name.back() == '-') continue;
    name += ok ? c : '-';
  }
  while (!name.empty() && name.front() == '-') name.erase(name.begin());
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "capture" : name;
}

}  // namespace synsim::capture
