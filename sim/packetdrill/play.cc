// The script's lines, one after another, on the model's scripted peer
// (peer.h): times as packetdrill computes them (run.c
// adjust_relative_event_times(), verify_time()), segments held against
// what the stack sent (run_packet.c), socket calls (calls.cc).
#include "sim/packetdrill/play.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/packetdrill/local.h"
#include "sim/packetdrill/peer.h"
#include "sim/packetdrill/walk.h"
#include "sim/packetdrill/segment_text.h"
#include "sim/packetdrill/setup.h"
#include "sim/profile/profile.h"

namespace synsim::packetdrill {

static_assert(int{kFin} == int{tcp::kFin} && int{kSyn} == int{tcp::kSyn} && int{kRst} == int{tcp::kRst} &&
              int{kPsh} == int{tcp::kPsh} && int{kAck} == int{tcp::kAck});

namespace detail {

namespace {

bool is_inbound(const Event& e) {
  const auto* p = std::get_if<PacketEvent>(&e.what);
  return p != nullptr && p->inbound;
}

}  // namespace

// Times: packetdrill's adjust_relative_event_times(). A relative time counts
// from the previous event's actual time (now), or from its script time when
// both are inbound segments (anchored, so injected trains keep their spacing).
void Walk::due(std::size_t i, const Event& e, LineResult& line) {
  Duration offset{};
  if (e.time.kind == TimeKind::relative || e.time.kind == TimeKind::relative_range ||
      e.time.kind == TimeKind::any) {
    offset = (i > 0 && is_inbound(script.events[i - 1]) && is_inbound(e)) ? last_script_time
                                                                           : peer.now() - kTimeZero;
  }
  line.tolerance = options.tolerance;
  if (e.time.kind == TimeKind::any) return;  // no expected time: "*"
  line.expected_from = e.time.start + offset;
  line.expected_to = (e.time.kind == TimeKind::absolute_range || e.time.kind == TimeKind::relative_range)
                         ? e.time.end + offset
                         : *line.expected_from;
  // verify_time(): the dynamic tolerance grows with the time since the previous event.
  const Duration delta = *line.expected_from - last_script_time;
  const Duration dynamic = ns(to_ns(delta) * options.tolerance_permille / 1000);
  if (dynamic > line.tolerance) line.tolerance = dynamic;
}

bool Walk::on_time(const Event& e, const LineResult& line, Duration actual) const {
  if (e.time.kind == TimeKind::any) return true;
  return actual >= *line.expected_from - line.tolerance && actual <= *line.expected_to + line.tolerance;
}

// Time passes to `t`; a blocking call that completes meanwhile is judged
// at its own line. False when the run must end (that line failed, or the
// stack looped).
bool Walk::advance(Time t) {
  if (!settle()) return false;
  while (true) {
    const bool ok = peer.run_until(t, [this] { return pending && peer.call_ready(*pending); });
    if (!ok) return fail_now(peer.stuck());
    if (pending && peer.call_ready(*pending)) {
      if (!finish_pending()) return false;
      continue;
    }
    if (peer.now() >= t) return true;
  }
}

// A blocked call whose wait is over returns now (the segment just injected
// or the call just made woke it: sk_data_ready, sk_state_change).
bool Walk::settle() {
  if (pending && peer.call_ready(*pending)) return finish_pending();
  return true;
}

bool Walk::fail_now(std::string problem) {
  LineResult& line = result.lines[current];
  line.status = LineStatus::failed;
  line.problem = std::move(problem);
  return false;
}

// Segments the stack sent that no `>` line took, before this line.
bool Walk::no_strays() {
  if (!peer.has_unexpected()) return true;
  const Sent& s = peer.next_sent();
  LineResult& line = result.lines[current];
  line.actual = s.at - kTimeZero;
  line.actual_text = segment_text(s);
  return fail_now("the kernel sent a segment the script does not expect before this line");
}

// When a line happens: its due time, or now for `*`.
Time Walk::when(const LineResult& line) const {
  return line.expected_from ? kTimeZero + *line.expected_from : peer.now();
}

bool Walk::inbound(const Event& e, const PacketEvent& p, LineResult& line) {
  const Time t = when(line);
  if (!advance(t) || !no_strays()) return false;
  if (const std::optional<std::string> refused = peer.refuse_inbound(tuple)) {
    cannot_run = ParseError{script.file, e.where, *refused + " (not run)"};
    return false;
  }
  if (!peer.inject(p, tuple)) return fail_now(peer.stuck());
  line.actual = peer.now() - kTimeZero;
  line.status = LineStatus::ok;
  return settle();
}

bool Walk::outbound(const Event& e, const PacketEvent& p, LineResult& line) {
  if (!settle()) return false;
  const Time deadline = e.time.kind == TimeKind::any ? peer.now() + peer.late_look()
                                                     : kTimeZero + *line.expected_to + line.tolerance;
  while (!peer.has_unexpected() && peer.now() < deadline) {
    const bool ok = peer.run_until(deadline, [this] {
      return peer.has_unexpected() || (pending && peer.call_ready(*pending));
    });
    if (!ok) return fail_now(peer.stuck());
    if (pending && peer.call_ready(*pending) && !finish_pending()) return false;
  }
  if (!peer.has_unexpected()) {
    // Nothing in time: look on, to say when it came, if it did.
    peer.run_until(deadline + peer.late_look(), [this] { return peer.has_unexpected(); });
    if (!peer.has_unexpected()) return fail_now("the kernel sent nothing");
  }
  const Sent s = peer.next_sent();
  peer.take_sent();
  line.actual = s.at - kTimeZero;
  line.actual_text = segment_text(s);
  if (s.tuple != tuple) {
    return fail_now(fmt::format("4-tuple: expected {}, actual {}", tuple_text(tuple), tuple_text(s.tuple)));
  }
  const std::string differs = segment_differs(p, s, result.notes, e.where.line);
  if (!differs.empty()) return fail_now(differs);
  if (!on_time(e, line, *line.actual)) return fail_now("timing error");
  for (const TcpOption& o : p.options.value_or(std::vector<TcpOption>{})) {
    if (o.kind == OptionKind::timestamp && s.seg.has_ts) peer.map_script_ts(tuple, o.a, s.seg.ts_val);
  }
  line.status = LineStatus::ok;
  return true;
}

bool Walk::syscall(const Event& e, const SyscallEvent& s, LineResult& line) {
  if (!advance(when(line)) || !no_strays()) return false;
  if (pending) return fail_now(fmt::format("a blocking call (line {}) is still in progress", pending->line + 1));
  line.actual = peer.now() - kTimeZero;
  CallOutcome out = peer.start_call(s);
  if (out.cannot_run) {
    cannot_run = ParseError{script.file, e.where, *out.cannot_run + " (not run)"};
    return false;
  }
  if (out.blocks) {
    PendingCall p;
    p.line = current;
    p.call = &s;
    // A blocking call is due at its `...END` (relative to the start's
    // offset), or at once without one.
    const Duration start = when(line) - kTimeZero;
    const Duration offset = start - e.time.start;
    const Duration end = s.end ? *s.end + (e.time.kind == TimeKind::relative ? offset : Duration{}) : start;
    p.due = kTimeZero + end;
    line.expected_from = end;
    line.expected_to = end;
    pending = p;
    return true;
  }
  if (s.end) {
    const Duration start = when(line) - kTimeZero;
    line.expected_from = *s.end + (e.time.kind == TimeKind::relative ? start - e.time.start : Duration{});
    line.expected_to = line.expected_from;
  }
  return judge_call(line, s, out);
}

bool Walk::judge_call(LineResult& line, const SyscallEvent& s, const CallOutcome& out) {
  line.actual_text = out.text();
  if (out.value != s.result || out.errno_name != s.errno_name) {
    return fail_now(fmt::format("expected the result {}", CallOutcome{false, s.result, s.errno_name, {}}.text()));
  }
  if (line.expected_from && line.expected_to &&
      (*line.actual < *line.expected_from - line.tolerance || *line.actual > *line.expected_to + line.tolerance)) {
    return fail_now("timing error: the call returned at another time");
  }
  line.status = LineStatus::ok;
  return true;
}

bool Walk::finish_pending() {
  const PendingCall p = *pending;
  pending.reset();
  const std::size_t was = current;
  current = p.line;
  LineResult& line = result.lines[p.line];
  line.actual = peer.now() - kTimeZero;
  const CallOutcome out = peer.complete_call(*p.call);
  const bool ok = judge_call(line, *p.call, out);
  current = was;
  if (!ok) failed_line = p.line;
  return ok;
}

// The end of the script: a blocking call still in progress must return by
// its due time.
bool Walk::finish() {
  if (!settle()) return false;
  if (!pending) return true;
  current = pending->line;
  const Time limit = pending->due + options.tolerance;
  peer.run_until(limit, [this] { return peer.call_ready(*pending); });
  if (peer.call_ready(*pending)) return finish_pending();
  failed_line = current;
  result.lines[current].actual.reset();
  return fail_now(fmt::format("still blocked at {} s", format_seconds(peer.now())));
}

bool Walk::line(std::size_t i) {
  current = i;
  const Event& e = script.events[i];
  LineResult& line = result.lines[i];
  due(i, e, line);
  bool ok = true;
  if (const auto* p = std::get_if<PacketEvent>(&e.what)) {
    if (const std::optional<std::uint16_t> port = p->remote_port()) tuple = *port;
    ok = p->inbound ? inbound(e, *p, line) : outbound(e, *p, line);
  } else {
    ok = syscall(e, std::get<SyscallEvent>(e.what), line);
  }
  last_script_time = line.expected_from.value_or(peer.now() - kTimeZero);
  if (!ok && !failed_line) failed_line = current;
  return ok;
}

// "line 10: X", "line 12: X" -> "lines 10, 12: X": one note per deviation met.
std::vector<std::string> merge_line_notes(const std::vector<std::string>& notes) {
  std::vector<std::string> out;
  std::vector<std::pair<std::string, std::vector<std::string>>> by_text;
  for (const std::string& n : notes) {
    const std::size_t colon = n.find(": ");
    if (!n.starts_with("line ") || colon == std::string::npos) {
      out.push_back(n);
      continue;
    }
    const std::string text = n.substr(colon + 2);
    const std::string number = n.substr(5, colon - 5);
    auto it = std::find_if(by_text.begin(), by_text.end(), [&](const auto& g) { return g.first == text; });
    if (it == by_text.end()) {
      by_text.push_back({text, {number}});
    } else {
      it->second.push_back(number);
    }
  }
  for (const auto& [text, lines] : by_text) {
    out.push_back(fmt::format("line{} {}: {}", lines.size() > 1 ? "s" : "", fmt::join(lines, ", "), text));
  }
  return out;
}

}  // namespace detail

std::optional<ParseError> play_script(const Script& script, const PlayOptions& options, Local& local,
                                      PlayResult& result) {
  result.file = script.file;
  result.side = local.side();
  for (const Skipped& s : script.skipped) {
    result.notes.push_back(fmt::format("{}:{}: shell command not run: {}", s.file, s.where.line, s.command));
  }
  detail::Walk walk{script, options, local, result};
  for (const Event& e : script.events) {
    LineResult line;
    line.where = e.where;
    line.text = e.text;
    result.lines.push_back(std::move(line));
  }
  bool held = true;
  for (std::size_t i = 0; i < script.events.size() && held; ++i) held = walk.line(i);
  held = held && walk.finish();
  if (walk.cannot_run) return *walk.cannot_run;
  // What the local side sent after the last line (a failed run shows its stray instead).
  for (const Sent& s : held ? local.untaken() : std::vector<Sent>{}) {
    result.after.push_back(fmt::format("{} > {}", format_seconds(s.at), detail::segment_text(s)));
  }
  result.notes = detail::merge_line_notes(result.notes);
  result.held = held;
  return std::nullopt;
}

std::variant<PlayResult, ParseError> play_on_model(const Script& script, const PlayOptions& options) {
  const profile::Profile* prof = profile::find_profile(options.profile);
  if (prof == nullptr) return ParseError{script.file, {}, fmt::format("unknown kernel profile '{}'", options.profile)};
  PlayResult result;
  result.profile = std::string(prof->name);
  tcp::StackConfig config;
  config.profile = prof;
  config.sysctls = profile::default_sysctls(*prof);
  if (auto err = detail::apply_sysctls(script, config.sysctls, result.notes)) return *err;
  if (auto err = detail::refuse_unplayable(script)) return *err;
  config.hz = prof->default_hz;
  config.seed = options.seed;
  detail::Peer peer(std::move(config), fmt::format("the model ({})", prof->name), script_tuples(script));
  if (auto err = play_script(script, options, peer, result)) return *err;
  return result;
}

}  // namespace synsim::packetdrill
