#include "sim/kernel/queues.h"

#include <time.h>

#include <charconv>
#include <string>

#include "sim/kernel/text_file.h"

namespace synsim::kernel {

namespace {

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool parse_hex(std::string_view s, std::uint64_t* v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *v, 16);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

}  // namespace

// Row format: "  0: 0100007F:238C 00000000:0000 0A 00000000:00000003 ..."
//              sl  local_address  rem_address  st tx_queue:rx_queue
bool parse_proc_net_tcp(std::string_view text, std::uint16_t port, RawQueueSample* out) {
  bool listener = false;
  std::int64_t syn_recv = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    // Split into whitespace-separated fields.
    std::string_view f[5];
    int n = 0;
    std::size_t i = 0;
    while (n < 5 && i < line.size()) {
      while (i < line.size() && line[i] == ' ') ++i;
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ') ++i;
      if (i > start) f[n++] = line.substr(start, i - start);
    }
    if (n < 5) continue;
    const std::size_t colon = f[1].find(':');
    if (colon == std::string_view::npos) continue;
    std::uint64_t local_port = 0;
    std::uint64_t state = 0;
    if (!parse_hex(f[1].substr(colon + 1), &local_port) || !parse_hex(f[3], &state)) continue;
    if (local_port != port) continue;
    if (state == 0x0A) {  // TCP_LISTEN
      const std::size_t q = f[4].find(':');
      std::uint64_t rx = 0;
      if (q != std::string_view::npos && parse_hex(f[4].substr(q + 1), &rx)) {
        out->accept_queue = static_cast<std::int64_t>(rx);
        listener = true;
      }
    } else if (state == 0x03) {  // TCP_SYN_RECV: a request sock
      ++syn_recv;
    }
  }
  out->syn_queue = syn_recv;
  return listener;
}

QueueSampler::QueueSampler(std::uint16_t port, Duration interval)
    : port_(port), interval_(interval), thread_([this] { run(); }) {}

QueueSampler::~QueueSampler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void QueueSampler::run() {
  RawQueueSample last{0, -1, -1};
  const timespec pause{0, static_cast<long>(to_ns(interval_))};
  // Bounded: at most one sample per interval until stop() (the run's
  // deadline stops it).
  while (!stop_) {
    RawQueueSample s;
    s.mono_ns = monotonic_ns();
    if (parse_proc_net_tcp(read_text_file("/proc/thread-self/net/tcp").value_or(""), port_, &s) &&
        (s.syn_queue != last.syn_queue || s.accept_queue != last.accept_queue)) {
      samples_.push_back(s);
      last = s;
    }
    nanosleep(&pause, nullptr);
  }
}

std::vector<RawQueueSample> QueueSampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return std::move(samples_);
}

}  // namespace synsim::kernel
