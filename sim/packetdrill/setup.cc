// Before a script runs on the model: its sysctls applied to the profile's
// defaults, and what the model cannot play refused (exit 2, the line
// named), so that no script is half-run or passes for the wrong reason.
#include "sim/packetdrill/setup.h"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "sim/profile/profile.h"

namespace synsim::packetdrill::detail {

namespace {

std::optional<std::int64_t> integer(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  int base = 10;
  if (v.starts_with("0x") || v.starts_with("0X")) {
    base = 16;
    v.remove_prefix(2);
  }
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return out;
}

ParseError at(const std::string& file, Where w, std::string what) { return ParseError{file, w, std::move(what)}; }

std::string_view symbol(const SyscallEvent& s, std::size_t i) {
  return i < s.args.size() && s.args[i].kind == Arg::Kind::symbol ? std::string_view(s.args[i].text)
                                                                   : std::string_view();
}

// F_SETFL's flags as a script writes them ("O_RDWR|O_NONBLOCK"): the name of
// the first one the model does not know, or "" when it knows them all (a
// misspelt O_NONBLOCK must not leave the socket blocking in silence).
std::string unknown_file_flag(const SyscallEvent& s) {
  static const std::set<std::string_view> known = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_NONBLOCK", "O_NDELAY",
                                                    "O_CLOEXEC", "0"};
  if (s.args.size() < 3) return "";
  std::string_view text = s.args[2].text;
  while (!text.empty()) {
    const std::size_t bar = text.find('|');
    std::string_view flag = text.substr(0, bar);
    while (!flag.empty() && flag.front() == ' ') flag.remove_prefix(1);
    while (!flag.empty() && flag.back() == ' ') flag.remove_suffix(1);
    if (!known.count(flag)) return std::string(flag.empty() ? "(empty)" : flag);
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  return "";
}

std::optional<std::int64_t> fd_of(const SyscallEvent& s) {
  if (s.args.empty() || s.args[0].kind != Arg::Kind::number) return std::nullopt;
  return s.args[0].number;
}

}  // namespace

std::optional<ParseError> apply_sysctls(const Script& script, profile::Sysctls& sysctls,
                                        std::vector<std::string>& notes) {
  for (const Sysctl& s : script.sysctls) {
    const profile::SysctlInfo* info = profile::find_sysctl(s.name);
    if (info == nullptr) {
      notes.push_back(fmt::format("{}:{}: sysctl {}={} is not one the model reads: ignored", s.file, s.where.line,
                                  s.name, s.value));
      continue;
    }
    const std::optional<std::int64_t> v = integer(s.value);
    if (!v) return at(s.file, s.where, fmt::format("sysctl {}: '{}' is not an integer", s.name, s.value));
    if (*v < info->min || *v > info->max) {
      return at(s.file, s.where,
                fmt::format("sysctl {}={} is out of range [{}, {}]", s.name, *v, info->min, info->max));
    }
    sysctls.*(info->field) = *v;
  }
  return std::nullopt;
}

// One pass over the calls, tracking what each fd is, as play.cc will.
std::optional<ParseError> refuse_unplayable(const Script& script) {
  std::set<std::int64_t> listeners, children;
  bool listened = false, connected = false;
  for (const Event& e : script.events) {
    const auto* s = std::get_if<SyscallEvent>(&e.what);
    if (s == nullptr) continue;
    const std::optional<std::int64_t> fd = fd_of(*s);
    auto refuse = [&](std::string what) { return at(script.file, e.where, what + " (not run)"); };
    if (s->name == "shutdown") return refuse("shutdown() is not modelled yet");
    if (s->name == "listen") {
      if (listened) return refuse("a second listen(): the model plays one listener");
      listened = true;
      if (fd) listeners.insert(*fd);
    }
    if (s->name == "connect") connected = true;
    if (listened && connected) return refuse("both listen() and connect(): the players play one listener or one connecting socket");
    if ((s->name == "accept" || s->name == "accept4") && s->result >= 0) children.insert(s->result);
    const std::string_view opt = symbol(*s, 2);
    if (s->name == "setsockopt" && opt == "TCP_MAXSEG") {
      return refuse("TCP_MAXSEG is not modelled (the model's MSS is the profile's loopback MSS)");
    }
    if (s->name == "setsockopt" && opt == "SO_LINGER" && fd && (listeners.count(*fd) || children.count(*fd))) {
      return refuse("SO_LINGER on a server socket is not modelled (only a connecting socket's RST close)");
    }
    if (s->name == "getsockopt" && opt != "SO_ERROR") return refuse("getsockopt() other than SO_ERROR");
    if (s->name == "fcntl" && symbol(*s, 1) != "F_SETFL") return refuse("fcntl() other than F_SETFL");
    if (s->name == "fcntl") {
      if (const std::string flag = unknown_file_flag(*s); !flag.empty()) {
        return refuse(fmt::format("fcntl(F_SETFL) flag {} is not one the model knows (O_RDWR, O_NONBLOCK, ...)", flag));
      }
    }
  }
  return std::nullopt;
}

}  // namespace synsim::packetdrill::detail
