#include "sim/scenario/overrides.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

namespace synsim::scenario::detail {

namespace {

// One dotted component of KEY and where it starts in KEY=VALUE (0-based).
struct Segment {
  std::string name;
  std::size_t column = 0;
};

// Limit on nodes remembered from one VALUE (an alias can make it cyclic).
constexpr std::size_t kMaxValueNodes = 1000;

class OverrideApplier {
 public:
  OverrideApplier(Reader& reader, std::size_t index, std::string_view text)
      : reader_(reader), line_(static_cast<int>(index) + 1), text_(text) {}

  void apply(YAML::Node root);

 private:
  SourceLocation at(std::size_t column0) const {
    return SourceLocation{kOverrideFile, line_, static_cast<int>(column0) + 1};
  }
  void error(std::size_t column0, std::string message) {
    reader_.error(at(column0), std::move(message));
  }
  std::optional<std::vector<Segment>> split_key(std::string_view key);
  std::optional<YAML::Node> parse_value(std::size_t value_column);
  void remember_value(const YAML::Node& value, std::size_t value_column);
  // The group named `name` in the `clients` sequence, or nullopt (reported).
  std::optional<std::size_t> find_group(const YAML::Node& clients, const Segment& segment);

  Reader& reader_;
  int line_;
  std::string_view text_;
};

std::optional<std::vector<Segment>> OverrideApplier::split_key(std::string_view key) {
  std::vector<Segment> segments;
  // Sysctl names contain dots: the whole name is one key under `sysctl`.
  if (key.starts_with("net.")) {
    segments.push_back({"sysctl", 0});
    segments.push_back({std::string(key), 0});
    return segments;
  }
  if (key.starts_with("sysctl.")) {
    segments.push_back({"sysctl", 0});
    segments.push_back({std::string(key.substr(7)), 7});
    return segments;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? key.size() : dot;
    if (end == start) {
      error(start, fmt::format("empty component in KEY '{}' (expected a dotted path such as server.backlog)", key));
      return std::nullopt;
    }
    segments.push_back({std::string(key.substr(start, end - start)), start});
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return segments;
}

std::optional<YAML::Node> OverrideApplier::parse_value(std::size_t value_column) {
  YAML::Node value;
  try {
    const std::string text(text_.substr(value_column));
    check_node_count(text, kMaxNodes, kOverrideFile);
    value = YAML::Load(text);
  } catch (const ScenarioTooLarge&) {
    error(value_column, fmt::format("VALUE too large (more than {} YAML nodes)", kMaxNodes));
    return std::nullopt;
  } catch (const YAML::DeepRecursion&) {
    error(value_column, "VALUE is not valid YAML: nested too deeply (more than the YAML parser's recursion limit)");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const std::size_t column = value_column + static_cast<std::size_t>(std::max(e.mark.column, 0));
    error(column, fmt::format("VALUE is not valid YAML: {}", e.msg));
    return std::nullopt;
  }
  // An empty VALUE loads as a node with no storage; give it some so that it
  // can be remembered and located like any other.
  if (value.IsNull()) value.reset(YAML::Node(YAML::NodeType::Null));
  return value;
}

void OverrideApplier::remember_value(const YAML::Node& value, std::size_t value_column) {
  std::vector<YAML::Node> pending{value};
  std::size_t seen = 0;
  while (!pending.empty() && seen < kMaxValueNodes) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    ++seen;
    const YAML::Mark mark = node.Mark();
    const std::size_t offset = mark.is_null() ? 0 : static_cast<std::size_t>(mark.column);
    reader_.remember(node, at(value_column + offset));
    if (node.IsSequence()) {
      for (auto it = node.begin(); it != node.end(); ++it) pending.push_back(*it);
    } else if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        pending.push_back(it->first);
        pending.push_back(it->second);
      }
    }
  }
}

std::optional<std::size_t> OverrideApplier::find_group(const YAML::Node& clients,
                                                       const Segment& segment) {
  std::vector<std::string> names;
  if (clients.IsSequence()) {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      const YAML::Node group = clients[i];
      if (!group.IsMap()) continue;
      for (auto it = group.begin(); it != group.end(); ++it) {
        if (!it->first.IsScalar() || it->first.Scalar() != "name" || !it->second.IsScalar()) continue;
        if (it->second.Scalar() == segment.name) return i;
        names.push_back(it->second.Scalar());
        break;
      }
    }
  }
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  error(segment.column, fmt::format("no client group named '{}' (groups: {})", segment.name,
                                    known.empty() ? "none" : known));
  return std::nullopt;
}

void OverrideApplier::apply(YAML::Node root) {
  const std::size_t eq = text_.find('=');
  if (eq == std::string_view::npos) {
    error(0, fmt::format("override '{}' needs KEY=VALUE (e.g. server.backlog=8)", text_));
    return;
  }
  const std::string_view key = text_.substr(0, eq);
  if (key.empty()) {
    error(0, fmt::format("override '{}' has an empty KEY (expected e.g. server.backlog=8)", text_));
    return;
  }
  const std::optional<std::vector<Segment>> segments = split_key(key);
  if (!segments) return;
  const std::size_t value_column = eq + 1;
  const std::optional<YAML::Node> value = parse_value(value_column);
  if (!value) return;
  remember_value(*value, value_column);

  YAML::Node current = root;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const Segment& segment = (*segments)[i];
    const bool last = i + 1 == segments->size();

    // clients.NAME: the group whose `name` is NAME.
    if (i == 1 && (*segments)[0].name == "clients") {
      const std::optional<std::size_t> index = find_group(current, segment);
      if (!index) return;
      if (last) {
        current[*index] = *value;
        return;
      }
      current.reset(current[*index]);  // rebind; `=` would overwrite the node
      continue;
    }

    if (!current.IsMap() && !current.IsNull()) {
      const std::string parent = i == 0 ? std::string("the scenario")
                                        : std::string(key.substr(0, segment.column - 1));
      error(segment.column, fmt::format("cannot set '{}': {} is {}, not a mapping", key, parent,
                                        Reader::describe(current)));
      return;
    }
    std::optional<YAML::Node> child;
    if (current.IsMap()) {
      for (auto it = current.begin(); it != current.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == segment.name) {
          if (last) {
            it->second = *value;  // shares the value node: it stays located at the override
            return;
          }
          child = it->second;
          break;
        }
      }
    }
    YAML::Node key_node(segment.name);
    if (last) {
      reader_.remember(key_node, at(segment.column));
      current.force_insert(key_node, *value);
      return;
    }
    if (!child) {
      YAML::Node fresh(YAML::NodeType::Map);
      reader_.remember(key_node, at(segment.column));
      reader_.remember(fresh, at(segment.column));
      current.force_insert(key_node, fresh);
      child = fresh;
    }
    current.reset(*child);  // rebind; `=` would overwrite the node
  }
}

}  // namespace

void apply_overrides(YAML::Node root, const std::vector<std::string>& overrides, Reader& reader) {
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    OverrideApplier(reader, i, overrides[i]).apply(root);
  }
}

}  // namespace synsim::scenario::detail
