#include "sim/scenario/connections.h"

#include <charconv>

namespace synsim::scenario {

std::uint64_t total_connections(const Scenario& sc) {
  std::uint64_t n = 0;
  for (const ClientGroup& g : sc.clients) n += g.count;
  return n;
}

std::int64_t connection_index(const Scenario& sc, std::string_view name) {
  const auto hash = name.find('#');
  if (hash == std::string_view::npos) return -1;
  const std::string_view group = name.substr(0, hash);
  const std::string_view digits = name.substr(hash + 1);
  std::uint64_t index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return -1;
  std::int64_t first = 0;
  for (const ClientGroup& g : sc.clients) {
    if (g.name == group) return index < g.count ? first + static_cast<std::int64_t>(index) : -1;
    first += g.count;
  }
  return -1;
}

outcome::Script script_of(const Scenario& sc, const ClientGroup& group) {
  outcome::Script s;
  s.sends = group.send.has_value();
  s.expects_response = sc.server.on_data.respond_bytes > 0;
  s.closes = group.close.kind != CloseSpec::Kind::never;
  return s;
}

}  // namespace synsim::scenario
