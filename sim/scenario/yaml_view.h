// A checked view of a yaml-cpp tree: the scenario loader's reading primitives.
//
// Internal to sim/scenario (yaml-cpp stays inside this layer). Every read
// either returns a value or records a located Diagnostic and returns nullopt,
// so the loader can keep going and report all errors at once. Each node read
// is counted and the count is capped (kMaxNodes): YAML aliases can make a
// small file describe a huge (or cyclic) tree, and a limit on everything is
// cheaper than reasoning about which shapes are safe.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/load.h"

namespace synsim::scenario::detail {

constexpr std::size_t kMaxNodes = 100000;

// Thrown by Reader::visit when kMaxNodes is exceeded; caught by the loader,
// which reports "scenario too large" and gives up.
struct ScenarioTooLarge {
  SourceLocation where;
};

// Counts the nodes of every document in `text` with yaml-cpp's event parser
// (each alias counts once), without building a tree, and throws
// ScenarioTooLarge at the first node past `limit` (located in `file`).
// YAML::Load builds a tree of a few hundred bytes per node, so a 16 MiB
// file of `[1,1,...]` would cost gigabytes before the Reader's cap could
// see it; this bounds that first. Syntax errors are left to YAML::Load.
void check_node_count(const std::string& text, std::size_t limit, const std::string& file);

// A node with the name it is reported under and where it is.
struct Item {
  YAML::Node node;
  std::string path;      // "server.backlog", "clients.x.send"; "" = the document
  SourceLocation where;  // the node; its key when the value is empty
};

struct Field {
  std::string key;
  SourceLocation key_where;
  Item value;
};

// The checked entries of one mapping: first occurrence of each key, in order.
struct Fields {
  std::string path;
  SourceLocation where;
  std::vector<Field> entries;

  const Field* field(std::string_view key) const;
  const Item* get(std::string_view key) const;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  // Where a node is: a --set override's position when the node came from
  // one (see remember), else the node's mark in the file, 1-based.
  SourceLocation locate(const YAML::Node& node) const;
  // Records that `node` (created by a --set override) is at `where`.
  void remember(const YAML::Node& node, SourceLocation where);
  // "12:5" for this file, "--set:1:8" for anything else.
  std::string short_location(const SourceLocation& where) const;

  void error(const SourceLocation& where, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  // Errors of the file in line/column order, then those of other sources
  // (--set); exact repeats (an aliased node read twice) dropped.
  std::vector<Diagnostic> take_errors();

  // Counts one node read; throws ScenarioTooLarge past kMaxNodes.
  void visit(const SourceLocation& where);

  Item document(const YAML::Node& root);

  // A mapping whose keys must be in `allowed` (any key when `allowed` is
  // empty). Reports duplicate and unknown keys; an empty value (`server:`)
  // reads as an empty mapping.
  std::optional<Fields> mapping(const Item& item, std::initializer_list<std::string_view> allowed);
  // A sequence; an empty value reads as an empty sequence.
  std::optional<std::vector<Item>> sequence(const Item& item);
  // A scalar's text; `expected` names what should be there ("a duration").
  std::optional<std::string> scalar(const Item& item, std::string_view expected);

  std::optional<std::int64_t> integer(const Item& item, std::int64_t min, std::int64_t max);
  std::optional<std::uint64_t> unsigned_integer(const Item& item);
  std::optional<Duration> duration(const Item& item);
  std::optional<bool> boolean(const Item& item);
  // One of a fixed set of words.
  template <typename E>
  std::optional<E> choice(const Item& item, std::initializer_list<std::pair<std::string_view, E>> words);

  // Reports each of `keys` missing from `fields` ("missing required key").
  void require(const Fields& fields, std::initializer_list<std::string_view> keys);

  // "server.backlog: " (or "" for the document): the prefix of a message.
  static std::string prefix(const Item& item);
  // "a mapping", "a sequence", "'text'", "nothing".
  static std::string describe(const YAML::Node& node);

 private:
  std::string file_;
  std::vector<Diagnostic> errors_;
  std::vector<std::pair<YAML::Node, SourceLocation>> remembered_;
  std::size_t visited_ = 0;
};

// "a, b or c"
std::string join_alternatives(const std::vector<std::string_view>& words, std::string_view last_sep);

template <typename E>
std::optional<E> Reader::choice(const Item& item,
                                std::initializer_list<std::pair<std::string_view, E>> words) {
  std::vector<std::string_view> names;
  for (const auto& [word, value] : words) names.push_back(word);
  const std::string expected = join_alternatives(names, " or ");
  const std::optional<std::string> text = scalar(item, expected);
  if (!text) return std::nullopt;
  for (const auto& [word, value] : words) {
    if (*text == word) return value;
  }
  error(item.where, prefix(item) + "expected " + expected + ", got '" + *text + "'");
  return std::nullopt;
}

}  // namespace synsim::scenario::detail
