// Where a connection's time goes: the report's load (1.8 M connections,
// summary detail, as `synsim run --format summary` plays it) under a
// sampling profiler, each sample charged to one part of the simulator, so
// the next speed-up is chosen from a profile, not a guess.
//
//   scripts/bench-profile [SCENARIO] [--set KEY=VALUE]...
//
// How: ITIMER_PROF sends SIGPROF every 200 us of the process's CPU time (or
// at the kernel's tick, whichever is longer: the run prints which); the
// handler stores the call stack (backtrace()) in a preallocated buffer.
// After the run each stack is read from the innermost frame out, and the
// first frame that is synsim's own code names the part (frames in libc or
// the standard library, malloc or std::sort, are charged to their synsim
// caller). Needs the program's symbols exported (-rdynamic, ENABLE_EXPORTS)
// for dladdr(). Inlined functions are charged to the function they were
// inlined into: a TCP rule inlined into the event loop counts as engine.
// Prints the parts' shares, their nanoseconds per connection, and the top
// functions, on stdout; asserts nothing (a benchmark).
#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "sim/model/run.h"
#include "sim/scenario/load.h"

namespace {

constexpr int kDepth = 48;
constexpr std::size_t kMaxSamples = 400'000;

struct Sample {
  std::array<void*, kDepth> frames;
  int depth;
};

std::vector<Sample>* g_samples = nullptr;
std::atomic<std::size_t> g_count{0};

void on_sigprof(int) {
  const std::size_t i = g_count.fetch_add(1, std::memory_order_relaxed);
  if (i >= g_samples->size()) return;
  Sample& s = (*g_samples)[i];
  s.depth = backtrace(s.frames.data(), kDepth);
}

std::string demangled(void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_sname == nullptr) return {};
  int status = 0;
  char* d = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
  std::string name = status == 0 && d != nullptr ? d : info.dli_sname;
  std::free(d);
  return name;
}

// The part of the simulator a synsim function belongs to; empty for code
// that is not synsim's (libc, libstdc++, std:: templates).
std::string part_of(const std::string& fn) {
  static const std::pair<const char*, const char*> kParts[] = {
      // Most specific first.
      {"synsim::model::Recorder::finish", "summaries (sorting, quantiles, the outcome)"},
      {"synsim::outcome::sort_latencies", "summaries (sorting, quantiles, the outcome)"},
      {"synsim::sort_samples", "summaries (sorting, quantiles, the outcome)"},
      {"synsim::outcome::", "recording (records, stories, latencies)"},
      {"synsim::model::Recorder::", "recording (records, stories, latencies)"},
      {"synsim::report::", "summaries (sorting, quantiles, the outcome)"},
      {"synsim::EventQueue::", "engine (event queue, dispatch)"},
      {"synsim::model::run", "engine (event queue, dispatch)"},
      {"synsim::tcp::", "TCP rules (sim/tcp: stack, timers, loopback)"},
      {"synsim::model::Machine::", "CPUs and threads (model::Machine)"},
      {"synsim::model::World::", "applications (loader, server: model::World)"},
      {"synsim::Rng", "random draws (Rng)"},
      {"synsim::scenario::", "loading the scenario"},
      {"synsim::", "other synsim code"},
  };
  for (const auto& [prefix, part] : kParts) {
    if (fn.rfind(prefix, 0) == 0) return part;
    // Member functions of templates and lambdas start with their return type
    // or "void"; look for the prefix after the first space too.
    const std::size_t sp = fn.find(' ');
    if (sp != std::string::npos && fn.compare(sp + 1, std::string::npos, prefix, 0, std::strlen(prefix)) == 0) {
      return part;
    }
  }
  return {};
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace synsim;
  std::string file = std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/report-load.yaml";
  std::vector<std::string> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--set" && i + 1 < argc) {
      sets.push_back(argv[++i]);
    } else {
      file = a;
    }
  }
  scenario::LoadResult r = scenario::load_file(file, sets);
  if (!r.ok()) {
    for (const scenario::Diagnostic& d : r.errors) fmt::print(stderr, "{}\n", d.str());
    return 2;
  }
  model::RunOptions options;
  options.record_packets = false;
  options.detail = model::RunOptions::Detail::summary;

  std::vector<Sample> samples(kMaxSamples);
  g_samples = &samples;
  void* warm[4];
  backtrace(warm, 4);  // the first call loads libgcc's unwinder: not in a signal handler
  struct sigaction sa {};
  sa.sa_handler = on_sigprof;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &sa, nullptr);
  const itimerval every{{0, 200}, {0, 200}};
  const double start = cpu_seconds();
  setitimer(ITIMER_PROF, &every, nullptr);
  const outcome::Outcome out = model::run(*r.scenario, options);
  const itimerval off{};
  setitimer(ITIMER_PROF, &off, nullptr);
  const double cpu = cpu_seconds() - start;

  const std::size_t n = std::min(g_count.load(), samples.size());
  std::map<void*, std::string> names;  // dladdr once per address
  auto name_of = [&](void* a) -> const std::string& {
    auto it = names.find(a);
    if (it == names.end()) it = names.emplace(a, demangled(a)).first;
    return it->second;
  };
  std::map<std::string, std::size_t> by_part;
  std::map<std::string, std::size_t> by_function;
  for (std::size_t i = 0; i < n; ++i) {
    const Sample& s = samples[i];
    std::string part = "outside synsim (kernel, libc, unattributed)";
    // Frame 0 is the handler, 1 the signal trampoline.
    for (int f = 2; f < s.depth; ++f) {
      const std::string& fn = name_of(s.frames[f]);
      if (std::string p = part_of(fn); !p.empty()) {
        part = p;
        ++by_function[fn.substr(0, fn.find('('))];
        break;
      }
    }
    ++by_part[part];
  }
  const std::uint64_t conns = out.summary ? out.summary->total : out.connections.size();
  fmt::print("where a connection's time goes: {}\n", r.scenario->name);
  // ITIMER_PROF is asked for every 200 us; the kernel delivers it at its
  // tick at best (every 4 ms at HZ 250): the interval printed is the real one.
  fmt::print("{} connections, {} events, {:.2f} s of CPU, {} samples (one per {:.0f} us of CPU)\n\n", conns,
             out.info.events, cpu, n, n > 0 ? cpu * 1e6 / static_cast<double>(n) : 0.0);
  std::vector<std::pair<std::size_t, std::string>> parts;
  for (const auto& [p, c] : by_part) parts.emplace_back(c, p);
  std::sort(parts.rbegin(), parts.rend());
  fmt::print("{:<48} {:>7} {:>8} {:>15}\n", "part", "samples", "share", "ns/connection");
  for (const auto& [c, p] : parts) {
    const double share = static_cast<double>(c) / static_cast<double>(std::max<std::size_t>(n, 1));
    fmt::print("{:<48} {:>7} {:>7.1f}% {:>15.0f}\n", p, c, 100 * share, share * cpu * 1e9 / static_cast<double>(conns));
  }
  std::vector<std::pair<std::size_t, std::string>> fns;
  for (const auto& [f, c] : by_function) fns.emplace_back(c, f);
  std::sort(fns.rbegin(), fns.rend());
  fmt::print("\ntop functions (the innermost synsim frame of each sample)\n");
  for (std::size_t i = 0; i < fns.size() && i < 15; ++i) {
    fmt::print("{:>6.1f}%  {}\n", 100.0 * static_cast<double>(fns[i].first) / static_cast<double>(n), fns[i].second);
  }
  return 0;
}
