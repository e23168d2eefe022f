#include "tests/tcp/stack_harness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/profile/profile.h"
#include "sim/profile/sysctls.h"

namespace synsim::tcp::testing {

namespace {

// Enough for any script: a run that needs more is looping.
constexpr std::uint64_t kEventLimit = 1000000;

std::string at_string(Time t) { return format_seconds(t); }

void fail_at(const Loc& loc, const std::string& what) { ADD_FAILURE_AT(loc.file_name(), loc.line()) << what; }

}  // namespace

std::string to_string(const Pkt& p) {
  std::string s = p.conn ? fmt::format("[c{}] ", p.conn) : "";
  s += fmt::format("{} {}:{}({})", flag_letters(p.flags), p.seq, p.seq + p.len, p.len);
  if (p.flags & kAck) s += fmt::format(" ack {}", p.ack);
  std::vector<std::string> opts;
  if (p.mss) opts.push_back(fmt::format("mss {}", *p.mss));
  if (p.sack) opts.push_back(fmt::format("sack {}:{}", p.sack->first, p.sack->second));
  for (std::size_t i = 0; i < opts.size(); ++i) s += (i == 0 ? " <" : ",") + opts[i];
  if (!opts.empty()) s += '>';
  return s;
}

StackScript::StackScript(const Kernel& kernel, Loc loc)
    : stack_is_client_(kernel.connections, false),
      stack_isn_(kernel.connections),
      stack_ts_(kernel.connections, 0),
      origin_(loc) {
  const Profile* profile = kernel.custom != nullptr ? kernel.custom : profile::find_profile(kernel.profile);
  if (profile == nullptr) {
    fail_at(loc, fmt::format("unknown profile '{}'", kernel.profile));
    profile = &profile::default_profile();
  }
  StackConfig config;
  config.profile = profile;
  config.sysctls = profile::default_sysctls(*profile);
  for (const auto& [name, value] : kernel.sysctls) {
    const profile::SysctlInfo* info = profile::find_sysctl(name);
    if (info == nullptr) {
      fail_at(loc, fmt::format("unknown sysctl '{}'", name));
      continue;
    }
    config.sysctls.*(info->field) = value;
  }
  config.hz = kernel.hz ? kernel.hz : profile->default_hz;
  config.seed = kernel.seed;
  // The link is cut: whatever the stack sends is seen on the wire, then
  // dropped; the script answers for the peer.
  LinkRule cut;
  cut.drop = true;
  config.link_rules.push_back(cut);
  StackObserver& observer = *this;
  stack_ = std::make_unique<Stack>(std::move(config), kernel.connections, events_, observer);
}

// The script's end: nothing may be left unexpected (reported at the line
// that started the script).
StackScript::~StackScript() { expect_none_pending(origin_); }

void StackScript::on_wire(Time t, std::uint64_t, const Segment& seg) {
  // The script's own segments come back on the wire too: only the stack's count.
  if (seg.from_client != stack_is_client_[seg.conn]) return;
  if ((seg.flags & kSyn) && !stack_isn_[seg.conn]) stack_isn_[seg.conn] = seg.seq;
  if (seg.has_ts) stack_ts_[seg.conn] = seg.ts_val;
  const std::uint32_t mine = stack_isn_[seg.conn].value_or(0);
  const std::uint32_t theirs = script_isn(seg.conn);
  Pkt p;
  p.conn = seg.conn;
  p.flags = seg.flags;
  p.seq = seg.seq - mine;
  p.ack = (seg.flags & kAck) ? seg.ack - theirs : 0;
  p.len = seg.len;
  if (seg.mss) p.mss = seg.mss;
  if (seg.has_sack) p.sack = std::pair{seg.sack_left - theirs, seg.sack_right - theirs};
  sent_.push_back(Sent{t, p});
}

void StackScript::on_event(Event) { reached_ = true; }

void StackScript::run_to(Duration t, const Loc& loc) {
  const Time until = kTimeZero + t;
  if (until < now_) {
    fail_at(loc, fmt::format("the script goes back in time: {} after {}", at_string(until), at_string(now_)));
    return;
  }
  // The script's own event at t runs after every event already scheduled
  // for t or earlier; a pass that ran any stack event is followed by
  // another, for the events those scheduled at t. So timers that expire at
  // t fire before the script's step at t. (Peeking with next_time() instead
  // would move the queue past t, and the script may still schedule there.)
  for (bool ran = true; ran;) {
    ran = false;
    reached_ = false;
    events_.schedule(until, this, Event{Ev::reached, 0});
    while (!reached_) {
      if (++events_run_ > kEventLimit) {
        fail_at(loc, fmt::format("more than {} events by {}: the stack is looping", kEventLimit, at_string(until)));
        return;
      }
      const EventQueue::Fired ev = events_.pop();
      stack_->set_now(ev.when);
      ran = ran || ev.handler != this;
      ev.handler->dispatch(ev.payload);
    }
  }
  now_ = until;
  stack_->set_now(now_);
}

void StackScript::expect_none_pending(const Loc& loc) {
  for (; taken_ < sent_.size(); ++taken_) {
    const Sent& s = sent_[taken_];
    fail_at(loc, fmt::format("unexpected segment from the stack:\n  {} > {}\n(the script expects nothing more "
                             "by {})",
                             at_string(s.at), to_string(s.pkt), at_string(now_)));
  }
}

Segment StackScript::to_segment(const Pkt& p) const {
  Segment seg;
  seg.conn = p.conn;
  seg.from_client = !stack_is_client_[p.conn];
  seg.flags = p.flags;
  seg.seq = script_isn(p.conn) + p.seq;
  seg.ack = (p.flags & kAck) ? stack_isn_[p.conn].value_or(0) + p.ack : 0;
  seg.len = p.len;
  seg.window = 512;
  if (p.flags & kSyn) {
    seg.mss = p.mss.value_or(65495);
    seg.sack_permitted = true;
    seg.wscale = 7;
  }
  if (p.ts) {
    seg.has_ts = true;
    seg.ts_val = static_cast<std::uint32_t>(to_ns(now_) / 1000000) + 1;
    seg.ts_ecr = stack_ts_[p.conn];
  }
  if (p.sack) {
    const std::uint32_t base = stack_isn_[p.conn].value_or(0);
    seg.has_sack = true;
    seg.sack_left = base + p.sack->first;
    seg.sack_right = base + p.sack->second;
  }
  return seg;
}

void StackScript::in(Duration t, const Pkt& p, Loc loc) {
  if (p.conn >= stack_is_client_.size()) {
    fail_at(loc, fmt::format("connection {} outside the kernel's {}", p.conn, stack_is_client_.size()));
    return;
  }
  run_to(t, loc);
  expect_none_pending(loc);
  stack_->receive(to_segment(p));
}

void StackScript::out(Duration t, const Pkt& p, Loc loc) { out_between(t, t, p, loc); }

Duration StackScript::out_between(Duration from, Duration to, const Pkt& p, Loc loc) {
  if (kTimeZero + to > now_) run_to(to, loc);
  const std::string expected =
      from == to ? fmt::format("{} > {}", at_string(kTimeZero + from), to_string(p))
                 : fmt::format("[{}, {}] > {}", at_string(kTimeZero + from), at_string(kTimeZero + to), to_string(p));
  if (taken_ == sent_.size()) {
    fail_at(loc, fmt::format("expected: {}\n  actual: nothing sent by {}", expected, at_string(now_)));
    return to;
  }
  const Sent& s = sent_[taken_++];
  const Pkt& got = s.pkt;
  const bool same = got.conn == p.conn && got.flags == p.flags && got.seq == p.seq && got.ack == p.ack &&
                    got.len == p.len && (!p.mss || got.mss == p.mss) && got.sack == p.sack;
  const bool in_time = s.at >= kTimeZero + from && s.at <= kTimeZero + to;
  if (!same || !in_time) {
    fail_at(loc, fmt::format("expected: {}\n  actual: {} > {}", expected, at_string(s.at), to_string(s.pkt)));
  }
  return s.at - kTimeZero;
}

void StackScript::no_output_until(Duration t, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
}

void StackScript::at(Duration t, Loc loc) { run_to(t, loc); }

std::vector<SentPkt> StackScript::take_until(Duration t, Loc loc) {
  run_to(t, loc);
  std::vector<SentPkt> taken;
  for (; taken_ < sent_.size(); ++taken_) taken.push_back({sent_[taken_].at - kTimeZero, sent_[taken_].pkt});
  return taken;
}

void StackScript::listen(Duration t, std::int64_t backlog, Duration defer_accept, std::int64_t syncnt, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
  stack_->listen(backlog, defer_accept, syncnt);
}

std::int64_t StackScript::accept(Duration t, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
  return stack_->accept();
}

void StackScript::connect(Duration t, std::uint32_t conn, bool defer_final_ack, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
  stack_is_client_[conn] = true;
  stack_->connect(conn, defer_final_ack);
}

void StackScript::send(Duration t, std::uint32_t conn, std::uint32_t bytes, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
  stack_->send(conn, bytes);
}

void StackScript::child_send(Duration t, std::uint32_t conn, std::uint32_t bytes, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
  stack_->child_send(conn, bytes);
}

void StackScript::close(Duration t, std::uint32_t conn, Loc loc) {
  run_to(t, loc);
  expect_none_pending(loc);
  if (stack_is_client_[conn]) {
    stack_->close_client(conn, false);
  } else {
    stack_->close_child(conn);
  }
}

Nstat StackScript::nstat() const {
  Nstat n;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Mib::kCount); ++i) {
    const auto m = static_cast<Mib>(i);
    if (const std::int64_t v = stack_->counters().get(m)) n[m] = v;
  }
  return n;
}

}  // namespace synsim::tcp::testing

namespace synsim::tcp {

void PrintTo(ClientState s, std::ostream* os) {
  switch (s) {
    case ClientState::closed: *os << "closed"; return;
    case ClientState::syn_sent: *os << "syn_sent"; return;
    case ClientState::established: *os << "established"; return;
    case ClientState::fin_wait: *os << "fin_wait"; return;
    case ClientState::done: *os << "done"; return;
  }
}

void PrintTo(ChildState s, std::ostream* os) {
  switch (s) {
    case ChildState::none: *os << "none"; return;
    case ChildState::established: *os << "established"; return;
    case ChildState::closed: *os << "closed"; return;
  }
}

void PrintTo(SockError e, std::ostream* os) {
  switch (e) {
    case SockError::none: *os << "none"; return;
    case SockError::econnreset: *os << "ECONNRESET"; return;
    case SockError::etimedout: *os << "ETIMEDOUT"; return;
    case SockError::econnrefused: *os << "ECONNREFUSED"; return;
    case SockError::eaddrnotavail: *os << "EADDRNOTAVAIL"; return;
  }
}

}  // namespace synsim::tcp
