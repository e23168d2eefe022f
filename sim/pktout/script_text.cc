#include "sim/pktout/script_text.h"

#include <fmt/format.h>

#include "sim/packetdrill/local.h"
#include "sim/tcp/segment.h"

namespace synsim::pktout {

namespace {

// Seconds with microseconds, as packetdrill writes times ("1.024000").
std::string secs(Duration d) {
  const std::int64_t us_total = to_ns(d) / 1000;
  return fmt::format("{}.{:06}", us_total / 1000000, us_total % 1000000);
}

std::string when(const ScriptLine& l, const ScriptLine* before) {
  if (l.follows && before != nullptr) return l.at - before->at < us(1) ? "+0" : "+" + secs(l.at - before->at);
  const Duration at = l.at - kTimeZero;
  if (l.slack == Duration{}) return secs(at);
  const Duration from = at > l.slack ? at - l.slack : Duration{};
  return secs(from) + "~" + secs(at + l.slack);
}

// The options in Linux's layout (tcp_options_write(), net/ipv4/tcp_output.c):
// MSS, sackOK folded with TS, NOPs padding, wscale, SACK blocks.
std::string options_text(const outcome::TcpOptions& o, bool syn) {
  std::vector<std::string> words;
  if (o.mss) words.push_back(fmt::format("mss {}", o.mss));
  if (o.sack_permitted && o.has_timestamp) words.push_back("sackOK");
  if (o.has_timestamp) {
    if (!o.sack_permitted || !syn) words.insert(words.end(), {"nop", "nop"});
    words.push_back(fmt::format("TS val {} ecr {}", o.ts_val, o.ts_ecr));
  } else if (o.sack_permitted) {
    words.insert(words.end(), {"nop", "nop", "sackOK"});
  }
  if (o.wscale >= 0) words.insert(words.end(), {"nop", fmt::format("wscale {}", o.wscale)});
  for (const outcome::SackBlock& b : o.sack) {
    words.insert(words.end(), {"nop", "nop", fmt::format("sack {}:{}", b.left, b.right)});
  }
  return words.empty() ? std::string() : fmt::format(" <{}>", fmt::join(words, ","));
}

// "49442>8080 P. 1:6(5) ack 1 win 512 <nop,nop,TS val 160 ecr 100>". A `>`
// line states no window: the kernel's SYN-ACK offers 65483 where the
// model's offers 65495, and
// the script is about the listener's queues, not windows.
std::string segment_text(const ScriptLine& l) {
  const ScriptSegment& s = l.segment;
  const bool in = l.kind == LineKind::inbound;
  std::string t = in ? fmt::format("< {}>{} ", l.port, packetdrill::kLocalPort)
                     : fmt::format("> {}>{} ", packetdrill::kLocalPort, l.port);
  t += fmt::format("{} {}:{}({})", tcp::flag_letters(s.flags), s.seq, s.seq + s.len, s.len);
  if (s.flags & outcome::kAck) t += fmt::format(" ack {}", s.ack);
  if (in) t += fmt::format(" win {}", s.win);
  return t + options_text(s.options, (s.flags & outcome::kSyn) != 0);
}

// "//   a, b, c" lines of at most 80 characters.
std::string comment_list(const std::vector<std::string>& names) {
  std::string out, line;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string word = names[i] + (i + 1 < names.size() ? "," : "");
    if (!line.empty() && line.size() + 1 + word.size() > 80) {
      out += line + "\n";
      line.clear();
    }
    line += line.empty() ? "//   " + word : " " + word;
  }
  return out + line + "\n";
}

std::string header(const scenario::Scenario& sc, const ScriptOrigin& o) {
  const std::string seed = o.seed == sc.seed ? std::string() : fmt::format(" --seed {}", o.seed);
  const std::string profile = o.profile == "linux-6.18" ? std::string() : " --kernel " + o.profile;
  std::string h = fmt::format(
      "// {} of the scenario {}, as its server saw it: the model's run with seed {}\n"
      "// on the kernel profile {} (HZ {}), written by\n"
      "//   synsim run {}{} --format pkt --connection {}\n"
      "// Play it on the model with `synsim run FILE.pkt{}`, on this machine's kernel\n"
      "// with `synsim kernel FILE.pkt`.\n//\n",
      o.subject, sc.name, o.seed, o.profile, o.hz, o.scenario_file, seed, o.subject, profile);
  h += fmt::format(
      "// The local side is the scenario's server: listen() with its backlog, accept()\n"
      "// when its application accepted. The remote peers are its clients, named by\n"
      "// their ports: {} is {}.\n",
      o.subject_port, o.subject);
  if (!o.further.empty()) {
    h += "// Further peers, the connections that shared the listener's queues with it,\n"
         "// shown until accept() takes them (then they are the application's, which\n"
         "// leaves them alone here, so the kernel sends them nothing more):\n";
    for (const std::string& f : o.further) h += "//   " + f + "\n";
  }
  if (!o.left_out.empty()) {
    h += fmt::format("// Folded out: they met the listener while {} did, but it treats {} the same\n"
                     "// without them (this script holds on the model without them):\n",
                     o.subject, o.subject);
    h += comment_list(o.left_out);
  }
  if (o.apart > 0) {
    h += fmt::format("// Not shown: the scenario's {} other connection{}, which met the listener only\n"
                     "// before or after {}.\n",
                     o.apart, o.apart == 1 ? "" : "s", o.subject);
  }
  h += "// Times are the model's, in seconds from the run's start; a line within a\n"
       "// millisecond of the one before follows from it (an answer, the application\n"
       "// woken) and is timed from it (+0.000001). A retransmitted\n"
       "// SYN-ACK's time is a range: its timer is rounded up on the timer wheel from\n"
       "// the kernel's jiffies, not the model's (kernel/time/timer.c\n"
       "// calc_wheel_index()). TS val and ecr count from 100 on each side; `>` lines\n"
       "// state no window (the kernel's SYN-ACK offers 65483, the model's 65495).\n"
       "// Under each line, the model's reason for it.\n\n";
  return h;
}

std::string setup(const scenario::Scenario& sc) {
  std::string t =
      "// The model's window scale, 7, on the kernel too: tcp_select_initial_window(),\n"
      "// net/ipv4/tcp_output.c, takes it from tcp_rmem[2] (scenarios/packetdrill/defaults.sh).\n"
      "`sysctl -q net.ipv4.tcp_rmem=\"4096 131072 6291456\"`\n";
  for (const scenario::SysctlSetting& s : sc.sysctls) t += fmt::format("`sysctl -q {}={}`\n", s.name, s.value);
  t += fmt::format("\n{:>9} socket(..., SOCK_STREAM, IPPROTO_TCP) = {}\n", "0", kListenerFd);
  t += fmt::format("{:>9} setsockopt({}, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n", "+0", kListenerFd);
  if (sc.server.defer_accept > Duration{}) {
    const std::int64_t s = (to_ns(sc.server.defer_accept) + to_ns(sec(1)) - 1) / to_ns(sec(1));
    t += fmt::format("{:>9} setsockopt({}, IPPROTO_TCP, TCP_DEFER_ACCEPT, [{}], 4) = 0\n", "+0", kListenerFd, s);
  }
  if (sc.server.syncnt) {
    t += fmt::format("{:>9} setsockopt({}, IPPROTO_TCP, TCP_SYNCNT, [{}], 4) = 0\n", "+0", kListenerFd,
                     *sc.server.syncnt);
  }
  t += fmt::format("{:>9} bind({}, ..., ...) = 0\n", "+0", kListenerFd);
  t += fmt::format("{:>9} listen({}, {}) = 0\n\n", "+0", kListenerFd, sc.server.backlog);
  return t;
}

}  // namespace

std::string script_text(const scenario::Scenario& sc, const ScriptOrigin& origin,
                        const std::vector<ScriptLine>& lines) {
  std::string t = header(sc, origin) + setup(sc);
  const ScriptLine* before = nullptr;
  for (const ScriptLine& l : lines) {
    t += fmt::format("{:>9} {}\n", when(l, before), l.kind == LineKind::call ? l.call : segment_text(l));
    before = &l;
    for (const std::string& n : l.notes) t += "//   " + n + "\n";
  }
  return t;
}

}  // namespace synsim::pktout
