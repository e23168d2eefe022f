#include "sim/kernel/pkt_player.h"

#include <fmt/format.h>
#include <sys/utsname.h>

#include <fmt/ranges.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <future>
#include <thread>

#include "sim/kernel/netns.h"
#include "sim/kernel/pkt_local.h"
#include "sim/kernel/runner.h"
#include "sim/kernel/wire.h"
#include "sim/packetdrill/local.h"
#include "sim/packetdrill/setup.h"

namespace synsim::kernel {

namespace {

using packetdrill::ParseError;
using packetdrill::PlayResult;
using Played = std::variant<PlayResult, ParseError, PktCannotRun>;

std::string release() {
  utsname u{};
  return ::uname(&u) == 0 ? std::string(u.release) : std::string("unknown");
}

std::optional<std::int64_t> integer(const std::string& v) {
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return out;
}

// The words of a sysctl's value: "4096 131072 6291456" as the kernel
// prints it back (tabs between).
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The script's sysctls (pkt_player.h: in the namespace only): integers
// through the runner's plan (which refuses a host-global one the host does
// not already have), others (tcp_rmem's three numbers) written here.
struct Sysctls {
  SysctlPlan integers;
  std::vector<packetdrill::Sysctl> texts;
};

Sysctls sysctl_plan(const packetdrill::Script& script) {
  Sysctls out;
  std::vector<scenario::SysctlSetting> settings;
  for (const packetdrill::Sysctl& s : script.sysctls) {
    if (const std::optional<std::int64_t> v = integer(s.value)) {
      settings.push_back(scenario::SysctlSetting{s.name, *v, {}});
    } else {
      out.texts.push_back(s);
    }
  }
  out.integers = plan_sysctls(settings);
  return out;
}

void apply_text_sysctls(const std::vector<packetdrill::Sysctl>& texts) {
  for (const packetdrill::Sysctl& s : texts) {
    const std::optional<std::string> path = sysctl_path(s.name);
    if (!path || ::access(path->c_str(), F_OK) != 0) {
      throw Unsupported(fmt::format("{}:{}: sysctl {} is not one of the namespace's (global to the machine, or no "
                                    "such sysctl): the kernel player never changes the host",
                                    s.file, s.where.line, s.name));
    }
    { std::ofstream(*path) << s.value << '\n'; }
    std::ifstream in(*path);
    const std::string back{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (words(back) != words(s.value)) {
      throw EnvironmentError(fmt::format("sysctl {} reads back as '{}' after writing '{}'", s.name,
                                         fmt::join(words(back), " "), s.value));
    }
  }
}

// On the run's own thread: the namespace, the device, the script.
Played play_in_namespace(const packetdrill::Script& script, const packetdrill::PlayOptions& options,
                         const Sysctls& plan) {
  enter_private_network_namespace();
  const int tun = wire_create_tun("pkt0", "127.0.0.1", "127.0.0.2");
  PktKernelLocal local(tun, release());
  apply_sysctls(plan.integers);
  apply_text_sysctls(plan.texts);
  PlayResult result;
  local.start_clock();
  if (auto err = packetdrill::play_script(script, options, local, result)) return *err;
  return result;
}

}  // namespace

Played play_on_kernel(const packetdrill::Script& script, const packetdrill::PlayOptions& options) {
  if (auto err = packetdrill::detail::refuse_unplayable(script)) return *err;
  const Sysctls plan = sysctl_plan(script);
  try {
    enter_user_namespace_if_needed();
  } catch (const EnvironmentError& e) {
    return PktCannotRun{e.what()};
  }
  // unshare(CLONE_NEWNET) moves the calling thread only: the run gets a
  // thread of its own, and the caller stays where it was.
  std::packaged_task<Played()> task([&] {
    try {
      return play_in_namespace(script, options, plan);
    } catch (const EnvironmentError& e) {
      return Played{PktCannotRun{e.what()}};
    } catch (const Unsupported& e) {
      return Played{PktCannotRun{e.what()}};
    }
  });
  std::future<Played> done = task.get_future();
  std::thread run(std::move(task));
  run.join();
  return done.get();
}

}  // namespace synsim::kernel
