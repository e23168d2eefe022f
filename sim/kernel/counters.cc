#include "sim/kernel/counters.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "sim/kernel/runner.h"
#include "sim/kernel/text_file.h"

namespace synsim::kernel {

namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool is_gauge(const std::string& name) {
  return name == "TcpCurrEstab" || name == "TcpMaxConn" || name == "TcpRtoAlgorithm" || name == "TcpRtoMin" ||
         name == "TcpRtoMax";
}

std::string read_file(const std::string& path) {
  std::optional<std::string> text = read_text_file(path);
  if (!text) throw EnvironmentError(fmt::format("cannot read {}", path));
  return *std::move(text);
}

}  // namespace

CounterSnapshot parse_proc_counters(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  CounterSnapshot out;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::vector<std::string_view> head = split_words(lines[i]);
    const std::vector<std::string_view> vals = split_words(lines[i + 1]);
    if (head.size() < 2 || head.size() != vals.size() || head[0] != vals[0] || head[0].back() != ':') continue;
    // A header line has names, a value line numbers: the value line's first
    // field must parse.
    std::int64_t probe = 0;
    if (std::from_chars(vals[1].data(), vals[1].data() + vals[1].size(), probe).ec != std::errc{}) continue;
    const std::string_view section = head[0].substr(0, head[0].size() - 1);
    for (std::size_t k = 1; k < head.size(); ++k) {
      std::int64_t v = 0;
      const auto r = std::from_chars(vals[k].data(), vals[k].data() + vals[k].size(), v);
      if (r.ec != std::errc{} || r.ptr != vals[k].data() + vals[k].size()) continue;
      out[std::string(section) + std::string(head[k])] = v;
    }
    ++i;  // the value line is consumed
  }
  return out;
}

outcome::Counters counter_deltas(const CounterSnapshot& before, const CounterSnapshot& after) {
  outcome::Counters out;
  for (const auto& [name, value] : after) {
    const bool tcp = name.rfind("Tcp", 0) == 0;
    if (!tcp || is_gauge(name)) continue;
    const auto b = before.find(name);
    const std::int64_t delta = value - (b == before.end() ? 0 : b->second);
    if (delta != 0) out[name] = delta;
  }
  return out;
}

CounterSnapshot read_namespace_counters() {
  CounterSnapshot s = parse_proc_counters(read_file("/proc/thread-self/net/netstat"));
  for (auto& [k, v] : parse_proc_counters(read_file("/proc/thread-self/net/snmp"))) s[k] = v;
  return s;
}

}  // namespace synsim::kernel
