#include "sim/pktout/write.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"
#include "sim/pktout/script_text.h"
#include "sim/pktout/server_view.h"
#include "sim/profile/profile.h"

namespace synsim::pktout {

namespace {

// What a script cannot say about this scenario, before anything is written.
std::string unwritable(const scenario::Scenario& sc, const outcome::Outcome& out) {
  if (!sc.link.rules.empty()) {
    return "its link rules (wire mode): a script injects each client segment at the server, and which of them "
           "a rule dropped or held on the way is not the server's to say";
  }
  const profile::Profile* prof = profile::find_profile(out.info.kernel);
  if (prof == nullptr) return fmt::format("the kernel profile '{}' is not one the players know", out.info.kernel);
  if (prof->rules.synack_timer == profile::SynackTimer::listener_sweep) {
    return fmt::format("{} retransmits SYN-ACKs from one sweep timer per listener (tcp_synack_timer(), "
                       "net/ipv4/tcp_timer.c of 2.5/2.6), whose times the writer cannot bound yet; it writes "
                       "profiles with a timer per request (reqsk_timer_handler())",
                       prof->name);
  }
  if (out.info.hz != prof->default_hz) {
    return fmt::format("HZ {}: a script plays at the profile's HZ ({})", out.info.hz, prof->default_hz);
  }
  if (!out.info.captured || out.packets.empty()) return "the run recorded no packets";
  return "";
}

std::optional<std::size_t> find_connection(const outcome::Outcome& out, const std::string& name) {
  for (std::size_t i = 0; i < out.connections.size(); ++i) {
    if (out.connections[i].name == name) return i;
  }
  return std::nullopt;
}

// The subject's life at the listener: its first segment to its last.
struct Span {
  Time from = kTimeMax;
  Time to = kTimeZero;
};

// Every connection's span, in one pass over the packets (a load run has
// a million of them).
std::map<std::string, Span> spans_of(const outcome::Outcome& out) {
  std::map<std::string, Span> spans;
  for (const outcome::Packet& p : out.packets) {
    Span& s = spans[p.connection];
    s.from = std::min(s.from, p.time);
    s.to = std::max(s.to, p.time);
  }
  return spans;
}

// The other connections that met the listener while the subject did: a
// first segment before the subject's last, and no accept() before the
// subject's first (a child accepted before is gone from the queues).
std::vector<std::size_t> candidates(const outcome::Outcome& out, std::size_t subject) {
  const std::map<std::string, Span> spans = spans_of(out);
  const auto own = spans.find(out.connections[subject].name);
  const Span life = own == spans.end() ? Span{} : own->second;
  std::vector<std::size_t> out_list;
  for (std::size_t i = 0; i < out.connections.size(); ++i) {
    if (i == subject) continue;
    const outcome::ConnectionRecord& c = out.connections[i];
    const auto s = spans.find(c.name);
    if (s == spans.end() || s->second.from > life.to) continue;
    if (c.accepted && *c.accepted < life.from) continue;
    out_list.push_back(i);
  }
  return out_list;
}

struct Attempt {
  std::string text;
  std::string cannot;  // the view cannot be written
  std::string fails;   // it does not hold on the model: the first failing line
};

ScriptOrigin origin_of(const outcome::Outcome& out, const std::string& file, const ViewRequest& req) {
  ScriptOrigin o;
  o.scenario_file = file;
  o.subject = out.connections[req.subject].name;
  o.subject_port = out.connections[req.subject].client_port;
  o.profile = out.info.kernel;
  o.hz = out.info.hz;
  o.seed = out.info.seed;
  for (std::size_t f : req.further) {
    o.further.push_back(fmt::format("{} {}", out.connections[f].client_port, out.connections[f].name));
  }
  return o;
}

// The script's first failing line on the model, or "" when it holds.
std::string play_back(const std::string& text, const std::string& profile) {
  auto parsed = packetdrill::parse_script(text, "(written)", [](const std::string&) { return std::nullopt; });
  if (const auto* e = std::get_if<packetdrill::ParseError>(&parsed)) return "it does not parse: " + e->message();
  packetdrill::PlayOptions options;
  options.profile = profile;
  auto played = packetdrill::play_on_model(std::get<packetdrill::Script>(parsed), options);
  if (const auto* e = std::get_if<packetdrill::ParseError>(&played)) return "the model cannot play it: " + e->message();
  const packetdrill::PlayResult& r = std::get<packetdrill::PlayResult>(played);
  if (r.held) return "";
  for (const packetdrill::LineResult& l : r.lines) {
    if (l.status == packetdrill::LineStatus::failed) {
      return fmt::format("line {} ({}): {}{}", l.where.line, l.text, l.problem,
                         l.actual_text.empty() ? "" : " (actual: " + l.actual_text + ")");
    }
  }
  return "it does not hold";
}

Attempt attempt(const scenario::Scenario& sc, const outcome::Outcome& out, const std::string& file,
                const ViewRequest& req, const std::vector<std::string>& left_out) {
  Attempt a;
  const ServerView view = server_view(sc, out, req);
  if (!view.cannot.empty()) {
    a.cannot = view.cannot;
    return a;
  }
  ScriptOrigin o = origin_of(out, file, req);
  o.left_out = left_out;
  o.apart = out.connections.size() - 1 - req.further.size() - left_out.size();
  a.text = script_text(sc, o, view.lines);
  a.fails = play_back(a.text, out.info.kernel);
  return a;
}

}  // namespace

std::variant<std::string, CannotWrite> write_script(const scenario::Scenario& sc, const outcome::Outcome& out,
                                                    const std::string& scenario_file, const std::string& connection) {
  auto refuse = [&](const std::string& why) {
    return CannotWrite{fmt::format("{}: cannot write {} as a packetdrill script: {}", scenario_file, connection, why)};
  };
  if (const std::string why = unwritable(sc, out); !why.empty()) return refuse(why);
  const std::optional<std::size_t> subject = find_connection(out, connection);
  if (!subject) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < out.connections.size() && i < 8; ++i) names.push_back(out.connections[i].name);
    return refuse(fmt::format("no connection of that name (the scenario's: {}{})", fmt::join(names, ", "),
                              out.connections.size() > 8 ? ", ..." : ""));
  }
  ViewRequest req;
  req.subject = *subject;
  req.further = candidates(out, *subject);
  if (req.further.size() > kMaxCandidates) {
    return refuse(fmt::format("{} other connections met the listener while it did (the writer tries at most {}, "
                              "and at most {} fit a script a reader can follow)",
                              req.further.size(), kMaxCandidates, kMaxFurtherPeers));
  }
  Attempt whole = attempt(sc, out, scenario_file, req, {});
  if (!whole.cannot.empty()) return refuse(whole.cannot);
  if (!whole.fails.empty()) return refuse("the script does not hold on the model's player: " + whole.fails);
  // Fold out, latest first, every connection the script holds without.
  std::vector<std::string> left_out;
  for (std::size_t k = req.further.size(); k-- > 0;) {
    ViewRequest fewer = req;
    fewer.further.erase(fewer.further.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<std::string> more = left_out;
    more.insert(more.begin(), out.connections[req.further[k]].name);
    Attempt a = attempt(sc, out, scenario_file, fewer, more);
    if (!a.cannot.empty() || !a.fails.empty()) continue;
    req = fewer;
    left_out = more;
    whole = a;
  }
  if (req.further.size() > kMaxFurtherPeers) {
    return refuse(fmt::format("it needs {} further peers, the connections it shares the listener's queues with "
                              "(at most {} fit a script a reader can follow)",
                              req.further.size(), kMaxFurtherPeers));
  }
  return whole.text;
}

}  // namespace synsim::pktout
