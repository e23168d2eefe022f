// `synsim explain` of a large capture from a file: packets explained per
// second and the process's peak memory (getrusage), for a synthetic loopback
// capture (tests/synthetic_capture.h) of 1,000,000 packets or more. Prints
// figures; asserts nothing (style.md 11). Its own program, one capture a
// process, so that the peak memory is this capture's alone:
//
//   cmake --build build --target explain_bench
//   build/tests/bench/explain_bench --packets 1000000
//   build/tests/bench/explain_bench --packets 10000000
//   scripts/bench-explain          (both, and the capture held whole, side by side)
//
// The capture is written to a temporary file a few thousand packets at a
// time and explained from it, as `synsim explain FILE` does: the stream
// (capture/stream.h, what the default summary reads), or with --whole the
// capture held in memory (read_capture_file + explain(), what the other
// formats read). The summary is rendered too. --capture FILE keeps the file
// (and reuses it when it exists).
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "sim/capture/explain.h"
#include "sim/capture/stream.h"
#include "sim/report/tables.h"
#include "tests/synthetic_capture.h"

namespace {

using namespace synsim;

double seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

int usage() {
  std::fprintf(stderr, "usage: explain_bench [--packets N] [--capture FILE] [--whole]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t packets = 1'000'000;
  std::string path;
  bool whole = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--packets" && i + 1 < argc) {
      packets = std::stoull(argv[++i]);
    } else if (a == "--capture" && i + 1 < argc) {
      path = argv[++i];
    } else if (a == "--whole") {
      whole = true;
    } else {
      return usage();
    }
  }
  const bool keep = !path.empty();
  if (!keep) path = (std::filesystem::temp_directory_path() / fmt::format("explain-bench-{}.pcap", ::getpid())).string();
  if (!std::filesystem::exists(path)) {
    std::ofstream out(path, std::ios::binary);
    const testing::SyntheticCapture made =
        testing::write_synthetic_capture(packets, 10'000, [&](const std::string& b) { out << b; });
    std::fprintf(stderr, "wrote %s: %llu packets, %llu connections\n", path.c_str(),
                 static_cast<unsigned long long>(made.packets), static_cast<unsigned long long>(made.connections));
  }
  const double rss_before = peak_rss_mib();
  const double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
  std::uint64_t segments = 0;
  std::size_t connections = 0, text = 0;
  capture::StreamHeld held;
  if (whole) {
    capture::Input in = capture::read_capture_file(path);
    segments = in.segments.size();
    const outcome::Outcome out = capture::explain(in);
    connections = out.connections.size();
    text = report::render_summary(out).size();
  } else {
    const capture::StreamedExplanation s = capture::explain_stream_file(path);
    segments = s.segments;
    connections = s.connections;
    held = s.held;
    text = report::render_summary(s.kept, s.connections, s.latencies).size();
  }
  const double wall = seconds(CLOCK_MONOTONIC) - wall0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  const double mib = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
  std::printf("%s: %llu packets, %zu connections, %.1f MiB of pcap, summary %zu bytes\n",
              whole ? "held whole" : "streamed", static_cast<unsigned long long>(segments), connections, mib, text);
  std::printf("  wall %.3f s, cpu %.3f s: %.0f packets/s (wall), %.0f packets/s (cpu)\n", wall, cpu,
              static_cast<double>(segments) / wall, static_cast<double>(segments) / cpu);
  std::printf("  peak RSS %.1f MiB (%.1f MiB before explaining)\n", peak_rss_mib(), rss_before);
  if (!whole) {
    std::printf("  held at most: %zu connections open, %zu segments, %zu 4-tuples remembered\n",
                held.max_open_connections, held.max_segments_held, held.max_remembered);
  }
  if (!keep) std::filesystem::remove(path);
  return 0;
}
