// `synsim explain` of a large capture: packets explained per second and the
// process's peak memory (getrusage), for a synthetic loopback capture of
// 1,000,000 packets (and more). Prints figures; asserts nothing (style.md 11).
// Its own program, so that the peak memory is this work's alone:
//
//   cmake --build build --target explain_bench && build/tests/bench/explain_bench
//
// The capture: closed-loop-like connections 10 us apart, each SYN, SYN-ACK,
// ACK, a 5-byte request, its ACK, a 100-byte response, its ACK and the
// client's RST (8 packets); every 100th connection's first SYN goes
// unanswered and is retransmitted 1 s later (a dropped SYN to explain).
// Client addresses 127.0.N.1 with ports 10000-59999, as a loader cycling
// through its ephemeral ports would.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <ctime>
#include <string>

#include "sim/capture/explain.h"
#include "sim/capture/pcap_file.h"
#include "sim/report/pcap.h"

namespace synsim {
namespace {

outcome::Packet segment(const std::string& client, std::uint16_t port, bool from_client, std::int64_t t_ns,
                        std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t length) {
  outcome::Packet p;
  p.time = at_ns(t_ns);
  p.src_addr = from_client ? client : "127.0.0.1";
  p.dst_addr = from_client ? "127.0.0.1" : client;
  p.src_port = from_client ? port : 8080;
  p.dst_port = from_client ? 8080 : port;
  p.flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.length = length;
  p.window = 512;
  p.from_client = from_client;
  return p;
}

// At least `packets` packets, in time order.
std::string synthetic_capture(std::size_t packets) {
  using namespace outcome;
  Outcome o;
  std::vector<std::vector<Packet>> late;  // retransmitted handshakes, 1 s on
  std::size_t i = 0;
  while (o.packets.size() < packets) {
    const std::string client = "127.0." + std::to_string(i / 50000) + ".1";
    const auto port = static_cast<std::uint16_t>(10000 + i % 50000);
    const std::int64_t t = static_cast<std::int64_t>(i) * 10'000;
    const std::uint32_t c = 1000 + static_cast<std::uint32_t>(i) * 7, s = 900000 + static_cast<std::uint32_t>(i) * 13;
    const bool dropped = i % 100 == 99;
    std::int64_t u = t;
    if (dropped) {
      o.packets.push_back(segment(client, port, true, t, kSyn, c, 0, 0));
      u = t + 1'000'000'000;
      late.emplace_back();
    }
    std::vector<Packet>& into = dropped ? late.back() : o.packets;
    into.push_back(segment(client, port, true, u, kSyn, c, 0, 0));
    into.push_back(segment(client, port, false, u + 5'000, kSyn | kAck, s, c + 1, 0));
    into.push_back(segment(client, port, true, u + 10'000, kAck, c + 1, s + 1, 0));
    into.push_back(segment(client, port, true, u + 11'000, kAck | kPsh, c + 1, s + 1, 5));
    into.push_back(segment(client, port, false, u + 15'000, kAck, s + 1, c + 6, 0));
    into.push_back(segment(client, port, false, u + 40'000, kAck | kPsh, s + 1, c + 6, 100));
    into.push_back(segment(client, port, true, u + 45'000, kAck, c + 6, s + 101, 0));
    into.push_back(segment(client, port, true, u + 50'000, kRst | kAck, c + 6, s + 101, 0));
    ++i;
  }
  for (std::vector<Packet>& v : late) {
    for (Packet& p : v) o.packets.push_back(std::move(p));
  }
  std::stable_sort(o.packets.begin(), o.packets.end(), [](const Packet& a, const Packet& b) { return a.time < b.time; });
  return report::render_pcap(o);
}

void BM_Explain(benchmark::State& state) {
  const std::string pcap = synthetic_capture(static_cast<std::size_t>(state.range(0)));
  std::uint64_t packets = 0, connections = 0;
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (auto _ : state) {
    capture::Input in = capture::read_pcap_bytes(pcap, "synthetic.pcap");
    packets += in.segments.size();
    const outcome::Outcome out = capture::explain(in);
    connections += out.connections.size();
    benchmark::DoNotOptimize(out.counters);
  }
  timespec end{};
  clock_gettime(CLOCK_MONOTONIC, &end);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double wall = static_cast<double>(end.tv_sec - start.tv_sec) + static_cast<double>(end.tv_nsec - start.tv_nsec) * 1e-9;
  state.counters["packets/s"] = benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
  state.counters["connections"] = static_cast<double>(connections / state.iterations());
  state.counters["wall_s"] = wall / static_cast<double>(state.iterations());
  state.counters["pcap_MiB"] = static_cast<double>(pcap.size()) / (1024.0 * 1024.0);
  state.counters["max_rss_MiB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_Explain)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// The reading alone (libpcap, frame decoding, segments), to tell its share.
void BM_ReadOnly(benchmark::State& state) {
  const std::string pcap = synthetic_capture(static_cast<std::size_t>(state.range(0)));
  std::uint64_t packets = 0;
  for (auto _ : state) {
    const capture::Input in = capture::read_pcap_bytes(pcap, "synthetic.pcap");
    packets += in.segments.size();
    benchmark::DoNotOptimize(in.segments.data());
  }
  state.counters["packets/s"] = benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadOnly)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace synsim

BENCHMARK_MAIN();
