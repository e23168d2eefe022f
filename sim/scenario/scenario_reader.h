// Internal to the scenario layer: the reader of the scenario schema, which
// keys exist, their types, ranges and defaults. One file per part of the
// schema: read_document.cc (the top level, sysctl), read_server.cc,
// read_machine.cc, read_clients.cc, read_link.cc, read_expect.cc; load.cc
// parses the YAML and runs it.
//
// scenarios/README.md ("Format reference") documents exactly what these files
// accept; change both together. Reading primitives (type checks, duplicate
// and unknown keys, the node cap) are in yaml_view.h; --set in overrides.h.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/load.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/yaml_view.h"

namespace synsim::scenario::detail {

inline constexpr std::int64_t kIntMax = 2147483647;  // INT_MAX: listen() backlog is an int
inline constexpr std::int64_t kMaxCount = kMaxConnectionsPerGroup;
inline constexpr std::int64_t kMaxBytes = 1'048'576;  // bytes per write / response
inline constexpr std::int64_t kMaxCpus = 1024;
inline constexpr std::int64_t kMaxServerThreads = 1024;
inline constexpr std::int64_t kMaxLoaderThreads = 64;

inline constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

class ScenarioReader {
 public:
  explicit ScenarioReader(Reader& reader) : r_(reader) {}

  void read(const Item& document, Scenario& s);

 private:
  void read_sysctls(const Item& item, std::vector<SysctlSetting>& out);
  void read_server(const Item& item, ServerSpec& server);
  void read_accept(const Item& item, AcceptSpec& accept);
  void read_on_data(const Item& item, OnDataSpec& on_data);
  void read_machine(const Item& item, MachineSpec& machine);
  void read_costs(const Item& item, MachineSpec::Costs& costs);
  void read_loader(const Item& item, LoaderSpec& loader);
  void read_clients(const Item& item, std::vector<ClientGroup>& clients);
  void read_client(const Item& item, ClientGroup& group);
  void read_arrival(const Item& item, ArrivalSpec& arrival);
  void read_send(const Item& item, std::optional<SendSpec>& send);
  void read_close(const Item& item, CloseSpec& close);
  void read_link(const Item& item, LinkSpec& link);
  void read_rule(const Item& item, LinkRule& rule);
  void read_expect(const Item& item, ExpectSpec& expect);
  void read_expected_counters(const Item& item, ExpectSpec& expect);
  void read_expected_connections(const Item& item, ExpectSpec& expect);
  void read_expected_stalls(const Item& item, ExpectSpec& expect);
  void read_expected_stall_quantiles(const Item& item, ExpectSpec& expect);
  std::optional<Bound> read_bound(const Item& item);
  std::optional<TimeExpectation> read_time(const Item& item);
  // True when `text` names an existing connection (GROUP#INDEX, INDEX < count).
  bool check_connection(const std::string& text, const SourceLocation& where, const std::string& context);

  // Client groups by name, filled by read_clients before link and expect are
  // read; count is unknown (nullopt) when the group's own count was bad.
  struct GroupInfo {
    std::optional<std::uint32_t> count;
    SourceLocation name_where;
  };
  Reader& r_;
  std::map<std::string, GroupInfo> groups_;
  // Connections over all groups read so far (kMaxTotalConnections), and
  // whether going over has been reported (once, at the first group that does).
  std::uint64_t total_connections_ = 0;
  bool total_reported_ = false;
};

}  // namespace synsim::scenario::detail
