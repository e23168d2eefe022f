#include "sim/kernel/runner.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <thread>
#include <utility>

#include "sim/kernel/apps.h"
#include "sim/kernel/assemble.h"
#include "sim/kernel/capture.h"
#include "sim/kernel/counters.h"
#include "sim/kernel/host_cpu.h"
#include "sim/kernel/loopback_probe.h"
#include "sim/kernel/netns.h"
#include "sim/kernel/plain_loader.h"
#include "sim/kernel/ports.h"
#include "sim/kernel/queues.h"
#include "sim/kernel/wire.h"
#include "sim/scenario/connections.h"

#ifdef SYNSIM_HAVE_ZLIB
#include <zlib.h>
#endif

namespace synsim::kernel {

namespace {

std::string kernel_release() {
  utsname u{};
  if (::uname(&u) != 0) return "unknown";
  return u.release;
}

std::int64_t hz_from_config_line(const std::string& line) {
  constexpr std::string_view key = "CONFIG_HZ=";
  if (line.rfind(key, 0) != 0) return 0;
  try {
    return std::stoll(line.substr(key.size()));
  } catch (...) {
    return 0;
  }
}

// CONFIG_HZ is not exposed at run time; read it from the kernel's build
// configuration when the machine has it (0 = unknown).
std::int64_t kernel_hz() {
  std::ifstream in("/boot/config-" + kernel_release());
  std::string line;
  for (int n = 0; in && n < 100'000 && std::getline(in, line); ++n) {
    if (const std::int64_t hz = hz_from_config_line(line)) return hz;
  }
#ifdef SYNSIM_HAVE_ZLIB
  if (gzFile gz = gzopen("/proc/config.gz", "rb")) {
    char buf[512];
    std::int64_t hz = 0;
    for (int n = 0; n < 100'000 && hz == 0 && gzgets(gz, buf, sizeof buf) != nullptr; ++n) {
      std::string l(buf);
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      hz = hz_from_config_line(l);
    }
    gzclose(gz);
    if (hz != 0) return hz;
  }
#endif
  return 0;
}

void raise_descriptor_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}


constexpr std::uint64_t kMaxSampledConnections = 2000;

// The namespace's ephemeral port range: the caller's, or widened when the
// scenario would hold more ports at once than the default gives (ports.h).
// Only ever written inside the private namespace.
void set_port_range(const scenario::Scenario& sc, const KernelOptions& opt, Raw& raw) {
  const PortRange have = read_local_port_range();
  if (opt.port_range_low != 0 || opt.port_range_high != 0) {
    const PortRange want{opt.port_range_low, opt.port_range_high};
    write_local_port_range(want);
    raw.notes.push_back(outcome::Reason{.kind = outcome::ReasonKind::kernel_port_range_set,
                                        .a = static_cast<std::uint32_t>(want.low),  // checked: 1..65535
                                        .b = static_cast<std::uint32_t>(want.high),
                                        .n = have.low,
                                        .m = have.high});
    return;
  }
  const std::uint64_t need = ephemeral_ports_needed(sc);
  if (need <= static_cast<std::uint64_t>(have.size())) return;
  write_local_port_range(kWidePortRange);
  raw.notes.push_back(outcome::Reason{.kind = outcome::ReasonKind::kernel_port_range_widened,
                                      .a = static_cast<std::uint32_t>(need),  // <= the scenario's connections
                                      .c = static_cast<std::uint32_t>(kWidePortRange.low),
                                      .d = static_cast<std::uint32_t>(kWidePortRange.high),
                                      .n = have.low,
                                      .m = have.high});
}

// Everything that must happen inside the namespace, on its thread.
Raw run_in_namespace(const scenario::Scenario& sc, const KernelOptions& opt) {
  const SysctlPlan plan = plan_sysctls(sc.sysctls);  // host values, read before leaving
  enter_private_network_namespace();
  bring_loopback_up();
  apply_sysctls(plan);
  Raw raw;
  set_port_range(sc, opt, raw);
  // Before the counters are read, so that its connections count nowhere.
  raw.loopback_cycle = probe_loopback_cycle();
  raw.cross_cpu_cycle = probe_cross_cpu_cycle();
  raw.before = read_namespace_counters();
  std::optional<Capture> capture;
  if (opt.capture_packets) {
    capture.emplace("lo");
    capture->start();
  }
  // The listener's queues, for small runs (the table read costs O(sockets)).
  std::optional<QueueSampler> sampler;
  if (scenario::total_connections(sc) <= kMaxSampledConnections) sampler.emplace(sc.server.port, ms(1));
  raw.apps = run_applications(sc, opt, AppsPlacement{}, [&](std::int64_t) {
    raw.after = read_namespace_counters();
    read_sockets(raw);  // what ss -tan would list now, every socket still open
    if (capture) {
      raw.packets = capture->stop(to_ns(opt.teardown_limit) / 2);
      raw.capture_drops = capture->kernel_drops() + capture->packets_limit_hit();
    }
    if (sampler) raw.queues = sampler->stop();
  });
  return raw;
}

// --host-loopback: no namespace, nothing written; refused unless the host
// already has every sysctl value the scenario asks for.
Raw run_on_host_loopback(const scenario::Scenario& sc, const KernelOptions& opt) {
  if (sc.link.latency > Duration{0} || !sc.link.rules.empty()) {
    throw Unsupported("--host-loopback cannot apply link rules (they need wire mode's namespaces)");
  }
  const SysctlPlan plan = plan_sysctls(sc.sysctls);
  for (const auto& [name, value] : plan.wanted) {
    const auto host = plan.host.find(name);
    if (host == plan.host.end() || !host->second || *host->second != value) {
      throw Unsupported(fmt::format("--host-loopback changes nothing on the host, but the scenario wants {} = {} and "
                                    "the host has {}",
                                    name, value,
                                    host == plan.host.end() || !host->second ? "no such sysctl"
                                                                             : std::to_string(*host->second)));
    }
  }
  Raw raw;
  raw.before = read_namespace_counters();
  std::optional<Capture> capture;
  if (opt.capture_packets) {
    capture.emplace("lo");
    capture->start();
  }
  raw.apps = run_applications(sc, opt, AppsPlacement{}, [&](std::int64_t) {
    raw.after = read_namespace_counters();
    read_sockets(raw);  // the host's: sockets of other ports are left out (add_diag_sockets)
    if (capture) {
      raw.packets = capture->stop(to_ns(opt.teardown_limit) / 2);
      raw.capture_drops = capture->kernel_drops() + capture->packets_limit_hit();
    }
  });
  // The host's loopback carries other traffic: keep the scenario's port.
  std::erase_if(raw.packets, [&](const CapturedPacket& c) {
    return c.packet.src_port != sc.server.port && c.packet.dst_port != sc.server.port;
  });
  return raw;
}

// A descriptor closed on every path out.
struct OwnedFd {
  int fd = -1;
  explicit OwnedFd(int f) : fd(f) {}
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
};


constexpr std::uint64_t kMaxWireConnections = 20'000;

// Wire mode: the server's namespace, then the client's, joined by the wire.
Raw run_wired(const scenario::Scenario& sc, const KernelOptions& opt) {
  WireConfig cfg;
  cfg.server_addr = sc.server.address;
  cfg.client_addr = wire_client_address(sc.server.address);
  cfg.server_port = sc.server.port;
  cfg.connections = static_cast<std::uint32_t>(scenario::total_connections(sc));
  cfg.client_port_base = sc.server.port >= 40000 && sc.server.port < 40000 + cfg.connections ? 10000 : 40000;
  cfg.latency = sc.link.latency;
  for (const scenario::LinkRule& r : sc.link.rules) {
    WireRule w;
    if (!r.connection.empty()) {
      w.conn = scenario::connection_index(sc, r.connection);
      if (w.conn < 0) throw Unsupported(fmt::format("link rule names unknown connection '{}'", r.connection));
    }
    w.any = r.segment == scenario::SegmentKind::any;
    w.kind = r.segment;
    w.nth = r.nth;
    w.drop = r.action == scenario::LinkRule::Action::drop;
    w.delay = r.delay;
    cfg.rules.push_back(w);
  }

  const SysctlPlan plan = plan_sysctls(sc.sysctls);
  enter_private_network_namespace();
  OwnedFd server_ns(open_current_network_namespace());
  apply_sysctls(plan);
  OwnedFd server_tun(wire_create_tun("synsim0", cfg.server_addr, cfg.client_addr));
  enter_private_network_namespace();
  OwnedFd client_ns(open_current_network_namespace());
  apply_sysctls(plan);
  OwnedFd client_tun(wire_create_tun("synsim0", cfg.client_addr, cfg.server_addr));

  // One stack's counters in the model = both namespaces' here.
  auto counters_of_both = [&] {
    enter_network_namespace(server_ns.fd);
    CounterSnapshot s = read_namespace_counters();
    enter_network_namespace(client_ns.fd);
    for (const auto& [k, v] : read_namespace_counters()) s[k] += v;
    return s;
  };
  Raw raw;
  raw.before = counters_of_both();
  Wire wire(cfg, std::exchange(client_tun.fd, -1), std::exchange(server_tun.fd, -1));
  wire.start();
  AppsPlacement place;
  place.enter_server_side = [&] { enter_network_namespace(server_ns.fd); };
  place.enter_client_side = [&] { enter_network_namespace(client_ns.fd); };
  place.client_bind_address = cfg.client_addr;
  place.client_port_base = cfg.client_port_base;
  raw.apps = run_applications(sc, opt, place, [&](std::int64_t) {
    raw.after = counters_of_both();
    raw.packets = wire.stop();
  });
  return raw;
}

}  // namespace

namespace {
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_stop() runs in signal handlers");
}  // namespace

const char* loader_kind_name(LoaderKind k) {
  switch (k) {
    case LoaderKind::asio: return "asio";
    case LoaderKind::epoll: return "epoll";
  }
  return "?";
}

std::optional<LoaderKind> loader_kind_named(std::string_view name) {
  for (const LoaderKind k : {LoaderKind::asio, LoaderKind::epoll}) {
    if (name == loader_kind_name(k)) return k;
  }
  return std::nullopt;
}

void request_stop() noexcept { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() noexcept { return g_stop.load(std::memory_order_relaxed); }

const char* kernel_requirements_text() {
  return "Plays the scenario on this machine's real kernel: real sockets, real timers, packets captured on lo.\n"
         "Needs: root, or unprivileged user namespaces (then it maps you to root inside its own user\n"
         "namespace), and a kernel with network namespaces (CONFIG_NET_NS) and AF_PACKET.\n"
         "Changes nothing outside itself: it runs in a private network namespace that it creates, brings\n"
         "that namespace's lo up and writes the scenario's sysctls there (never the host's; a sysctl that is\n"
         "global to the machine, such as net.core.netdev_max_backlog, is refused unless the host already has\n"
         "the wanted value). The namespace disappears when the run ends, however it ends.\n"
         "Scenarios with link rules or latency run in wire mode: client and server in two private\n"
         "namespaces joined by a userspace wire over TUN devices (127.x addresses, never leaving them).\n"
         "Runs in real time: a 20 s scenario takes 20 s. Exit 4 when the machine cannot run it, 2 for\n"
         "scenarios it cannot play.";
}

LoaderKind chosen_loader(const scenario::Scenario& sc, std::optional<LoaderKind> asked) {
  if (asked) return *asked;
  const bool wired = sc.link.latency > Duration{0} || !sc.link.rules.empty();
  return plain_loader_refusal(sc, wired) ? LoaderKind::asio : LoaderKind::epoll;
}

outcome::Outcome run_kernel(const scenario::Scenario& sc, const KernelOptions& asked, std::vector<outcome::Reason>* notes) {
  const bool wired = sc.link.latency > Duration{0} || !sc.link.rules.empty();
  const std::uint64_t n = scenario::total_connections(sc);
  KernelOptions opt = asked;
  opt.loader = chosen_loader(sc, asked.loader);
  if (opt.loader == LoaderKind::epoll) require_plain_loader_plays(sc, wired);
  if (wired && n > kMaxWireConnections) {
    throw Unsupported(fmt::format("{} connections: wire mode gives each a fixed client port and plays at most {}",
                                  n, kMaxWireConnections));
  }
  if ((opt.port_range_low != 0 || opt.port_range_high != 0) &&
      !(opt.port_range_low >= 1 && opt.port_range_low < opt.port_range_high && opt.port_range_high <= 65535)) {
    throw Unsupported(fmt::format("port range {}-{}: needs 1 <= low < high <= 65535", opt.port_range_low,
                                  opt.port_range_high));
  }
  if (n > opt.max_connections) {
    throw Unsupported(fmt::format("{} connections: the kernel runner plays at most {} in real time; use the model "
                                  "(synsim run) for more",
                                  n, opt.max_connections));
  }
  raise_descriptor_limit();
  if (!opt.host_loopback) enter_user_namespace_if_needed();

  // The run's own thread: it alone enters the private namespace, so the
  // caller's thread stays where it was.
  auto task = std::make_shared<std::packaged_task<Raw()>>([sc, opt, wired] {
    if (opt.host_loopback) return run_on_host_loopback(sc, opt);
    return wired ? run_wired(sc, opt) : run_in_namespace(sc, opt);
  });
  std::future<Raw> result = task->get_future();
  const HostCpuSnapshot host_before = read_host_cpu();
  std::thread worker([task] { (*task)(); });
  // Setup takes milliseconds; allow generously for it and for the teardown.
  const auto limit = std::chrono::nanoseconds(to_ns(sc.duration) + to_ns(opt.teardown_limit)) + std::chrono::seconds(5);
  if (result.wait_for(limit) != std::future_status::ready) {
    worker.detach();
    throw EnvironmentError(fmt::format("the kernel run did not finish within {} of its start; gave up on it",
                                       format_duration(Duration{limit.count()})));
  }
  worker.join();
  const HostCpuSnapshot host_after = read_host_cpu();
  Raw raw = result.get();  // rethrows EnvironmentError / Unsupported from the namespace thread
  outcome::Outcome out = assemble(sc, opt, kernel_release(), kernel_hz(), raw);
  if (const auto other = other_cpu(host_before, host_after, sysconf(_SC_CLK_TCK))) {
    out.info.host = outcome::HostLoad{.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)),
                                      .interval = Duration{host_after.taken_ns - host_before.taken_ns},
                                      .other_cpu = *other,
                                      .loopback_cycle = raw.loopback_cycle.value_or(Duration{0}),
                                      .cross_cpu_cycle = raw.cross_cpu_cycle.value_or(Duration{0})};
  }
  out.info.loader_threads = raw.apps.loader_threads;
  out.info.server_threads = raw.apps.server_threads;
  if (notes != nullptr) *notes = raw.notes;
  if (raw.apps.stopped_early) {
    out.info.partial = true;
    out.info.stopped_at = Duration{raw.apps.stopped_at_ns};
  }
  return out;
}

}  // namespace synsim::kernel
