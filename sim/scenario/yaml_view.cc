#include "sim/scenario/yaml_view.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <map>
#include <tuple>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

namespace {

class NodeCounter : public YAML::EventHandler {
 public:
  NodeCounter(std::size_t limit, const std::string& file) : limit_(limit), file_(file) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { count(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { count(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    count(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    count(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    count(mark);
  }
  void OnMapEnd() override {}

 private:
  void count(const YAML::Mark& mark) {
    if (++seen_ <= limit_) return;
    throw ScenarioTooLarge{mark.is_null() ? SourceLocation{file_, 1, 1}
                                          : SourceLocation{file_, mark.line + 1, mark.column + 1}};
  }
  std::size_t limit_;
  const std::string& file_;
  std::size_t seen_ = 0;
};

}  // namespace

void check_node_count(const std::string& text, std::size_t limit, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  NodeCounter counter(limit, file);
  while (parser.HandleNextDocument(counter)) {
  }
}

const Field* Fields::field(std::string_view key) const {
  for (const Field& f : entries) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

const Item* Fields::get(std::string_view key) const {
  const Field* f = field(key);
  return f == nullptr ? nullptr : &f->value;
}

std::string join_alternatives(const std::vector<std::string_view>& words, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? std::string(last_sep) : std::string(", ");
    out += words[i];
  }
  return out;
}

SourceLocation Reader::locate(const YAML::Node& node) const {
  for (const auto& [remembered, where] : remembered_) {
    if (node.is(remembered)) return where;
  }
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourceLocation{file_, 1, 1};
  return SourceLocation{file_, mark.line + 1, mark.column + 1};
}

void Reader::remember(const YAML::Node& node, SourceLocation where) {
  remembered_.emplace_back(node, std::move(where));
}

std::string Reader::short_location(const SourceLocation& where) const {
  if (where.file == file_) return fmt::format("{}:{}", where.line, where.column);
  return fmt::format("{}:{}:{}", where.file, where.line, where.column);
}

void Reader::error(const SourceLocation& where, std::string message) {
  errors_.push_back(Diagnostic{where, std::move(message)});
}

std::vector<Diagnostic> Reader::take_errors() {
  std::vector<Diagnostic> out = std::move(errors_);
  errors_.clear();
  const auto key = [this](const Diagnostic& d) {
    return std::make_tuple(d.where.file == file_ ? 0 : 1, d.where.file, d.where.line, d.where.column);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  std::set<std::string> seen;
  std::erase_if(out, [&](const Diagnostic& d) { return !seen.insert(d.str()).second; });
  return out;
}

void Reader::visit(const SourceLocation& where) {
  if (++visited_ > kMaxNodes) throw ScenarioTooLarge{where};
}

Item Reader::document(const YAML::Node& root) {
  return Item{root, "", locate(root)};
}

std::string Reader::prefix(const Item& item) {
  return item.path.empty() ? std::string() : item.path + ": ";
}

std::string Reader::describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return "'" + text + "'";
    }
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
  }
  return "an unknown node";
}

std::optional<Fields> Reader::mapping(const Item& item, std::initializer_list<std::string_view> allowed) {
  visit(item.where);
  Fields fields{item.path, item.where, {}};
  if (item.node.IsNull()) return fields;
  if (!item.node.IsMap()) {
    error(item.where, prefix(item) + "expected a mapping, got " + describe(item.node));
    return std::nullopt;
  }
  const std::string context = item.path.empty() ? "at the top level" : "in " + item.path;
  // Key -> its entry, so that a mapping of thousands of keys (a sysctl or
  // counters mapping) is not checked for duplicates pair by pair.
  std::map<std::string, std::size_t, std::less<>> index;
  for (auto it = item.node.begin(); it != item.node.end(); ++it) {
    const YAML::Node key_node = it->first;
    const YAML::Node value_node = it->second;
    const SourceLocation key_where = locate(key_node);
    visit(key_where);
    if (!key_node.IsScalar()) {
      error(key_where, fmt::format("{}keys must be plain words, got {}", prefix(item), describe(key_node)));
      continue;
    }
    const std::string key = key_node.Scalar();
    if (const auto first = index.find(key); first != index.end()) {
      error(key_where, fmt::format("duplicate key '{}' {} (first at {})", key, context,
                                   short_location(fields.entries[first->second].key_where)));
      continue;
    }
    if (allowed.size() > 0 && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(key_where, fmt::format("unknown key '{}' {} (expected one of: {})", key, context,
                                   join_alternatives(std::vector<std::string_view>(allowed), ", ")));
      continue;
    }
    // An empty value has no position of its own worth showing: point at its key.
    SourceLocation value_where = locate(value_node);
    if (value_node.IsNull() && value_where.file == file_) value_where = key_where;
    const std::string path = item.path.empty() ? key : item.path + "." + key;
    index.emplace(key, fields.entries.size());
    fields.entries.push_back(Field{key, key_where, Item{value_node, path, value_where}});
  }
  return fields;
}

std::optional<std::vector<Item>> Reader::sequence(const Item& item) {
  visit(item.where);
  std::vector<Item> out;
  if (item.node.IsNull()) return out;
  if (!item.node.IsSequence()) {
    error(item.where, prefix(item) + "expected a sequence, got " + describe(item.node));
    return std::nullopt;
  }
  std::size_t index = 0;
  for (auto it = item.node.begin(); it != item.node.end(); ++it, ++index) {
    const YAML::Node element = *it;
    SourceLocation where = locate(element);
    visit(where);
    out.push_back(Item{element, fmt::format("{}[{}]", item.path, index), where});
  }
  return out;
}

std::optional<std::string> Reader::scalar(const Item& item, std::string_view expected) {
  visit(item.where);
  if (!item.node.IsScalar()) {
    error(item.where, fmt::format("{}expected {}, got {}", prefix(item), expected, describe(item.node)));
    return std::nullopt;
  }
  return item.node.Scalar();
}

std::optional<std::int64_t> Reader::integer(const Item& item, std::int64_t min, std::int64_t max) {
  const std::optional<std::string> text = scalar(item, "an integer");
  if (!text) return std::nullopt;
  std::string message;
  const std::optional<std::int64_t> v = parse_integer(*text, &message);
  if (!v) {
    error(item.where, prefix(item) + message);
    return std::nullopt;
  }
  const std::string name = item.path.empty() ? "value" : item.path;
  if (*v < min) {
    error(item.where, fmt::format("{} must be >= {}, got {}", name, min, *v));
    return std::nullopt;
  }
  if (*v > max) {
    error(item.where, fmt::format("{} must be <= {}, got {}", name, max, *v));
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> Reader::unsigned_integer(const Item& item) {
  const std::optional<std::string> text = scalar(item, "a non-negative integer");
  if (!text) return std::nullopt;
  std::string message;
  const std::optional<std::uint64_t> v = parse_unsigned(*text, &message);
  if (!v) error(item.where, prefix(item) + message);
  return v;
}

std::optional<Duration> Reader::duration(const Item& item) {
  const std::optional<std::string> text = scalar(item, "a duration such as 10s or 200ms");
  if (!text) return std::nullopt;
  std::string message;
  const std::optional<Duration> d = parse_duration(*text, &message);
  if (!d) error(item.where, prefix(item) + message);
  return d;
}

std::optional<bool> Reader::boolean(const Item& item) {
  return choice<bool>(item, {{"true", true}, {"false", false}});
}

void Reader::require(const Fields& fields, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (fields.field(key) != nullptr) continue;
    if (fields.path.empty()) {
      error(fields.where, fmt::format("missing required key '{}'", key));
    } else {
      error(fields.where, fmt::format("missing required key '{}' in {}", key, fields.path));
    }
  }
}

}  // namespace synsim::scenario::detail
