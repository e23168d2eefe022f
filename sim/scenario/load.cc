// Loading a scenario: the YAML text parsed and bounded, --set overrides
// applied, and the schema read (scenario_reader.h: one file per part of the
// schema), every error located as FILE:LINE:COL.
#include "sim/scenario/load.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sim/scenario/overrides.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/yaml_view.h"

namespace synsim::scenario {

using detail::Reader;

std::string Diagnostic::str() const {
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message);
}

namespace {

constexpr std::size_t kMaxFileBytes = 16 << 20;  // scenario files are small

// Reads a whole file; nullopt with *error = strerror text on failure.
std::optional<std::string> read_whole_file(const std::string& path, std::string* error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) {
      *error = fmt::format("file larger than {} MiB", kMaxFileBytes >> 20);
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  return text;
}

std::string too_large_message() {
  return fmt::format("scenario too large (more than {} YAML nodes, counting each use of an alias)",
                     detail::kMaxNodes);
}

std::string deep_message() {
  return "not valid YAML: nested too deeply (more than the YAML parser's recursion limit)";
}

SourceLocation mark_location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return SourceLocation{file, 1, 1};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

// Every scalar of `node` as "path=value" (sequences as path[i]).
// Bounded like the reader (kMaxNodes): aliases can repeat a subtree.
void flatten(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
  if (out.size() > detail::kMaxNodes) return;
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        // Not the experiment: what is asked of a run, and the model's own
        // machine (the kernel runner runs on the real one).
        if (path.empty() && (key == "name" || key == "description" || key == "seed" || key == "expect" ||
                             key == "machine")) {
          continue;
        }
        flatten(kv.second, path.empty() ? key : path + "." + key, out);
      }
      break;
    case YAML::NodeType::Sequence:
      for (std::size_t i = 0; i < node.size(); ++i) flatten(node[i], fmt::format("{}[{}]", path, i), out);
      break;
    case YAML::NodeType::Scalar: out.push_back(path + "=" + node.Scalar()); break;
    case YAML::NodeType::Null: out.push_back(path + "="); break;
    case YAML::NodeType::Undefined: break;
  }
}

}  // namespace

LoadResult load_string(std::string_view yaml_text, const std::string& file_name,
                       const std::vector<std::string>& overrides) {
  LoadResult result;
  Reader reader(file_name);

  std::vector<YAML::Node> documents;
  try {
    const std::string text(yaml_text);
    // Count before building: the tree of a many-node file is what costs memory.
    detail::check_node_count(text, detail::kMaxNodes, file_name);
    documents = YAML::LoadAll(text);
  } catch (const detail::ScenarioTooLarge& e) {
    result.errors.push_back(Diagnostic{e.where, too_large_message()});
    return result;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for this is "bad file".
    result.errors.push_back(Diagnostic{mark_location(file_name, e.mark), deep_message()});
    return result;
  } catch (const YAML::Exception& e) {
    result.errors.push_back(Diagnostic{mark_location(file_name, e.mark), "not valid YAML: " + e.msg});
    return result;
  }
  if (documents.empty() || documents[0].IsNull()) {
    result.errors.push_back(Diagnostic{SourceLocation{file_name, 1, 1}, "empty scenario"});
    return result;
  }
  if (documents.size() > 1) {
    reader.error(reader.locate(documents[1]),
                 fmt::format("expected one YAML document, found {} (remove the '---' separators)",
                             documents.size()));
  }

  Scenario scenario;
  try {
    const YAML::Node root = documents[0];
    if (root.IsMap()) detail::apply_overrides(root, overrides, reader);
    detail::ScenarioReader(reader).read(reader.document(root), scenario);
    // Only a valid scenario's tree: an invalid one may be an alias cycle.
    if (!reader.has_errors()) {
      flatten(root, "", scenario.settings);
      std::sort(scenario.settings.begin(), scenario.settings.end());
    }
  } catch (const detail::ScenarioTooLarge& e) {
    result.errors.push_back(Diagnostic{e.where, too_large_message()});
    return result;
  } catch (const YAML::Exception& e) {
    reader.error(mark_location(file_name, e.mark), "cannot read scenario: " + e.msg);
  }

  result.errors = reader.take_errors();
  if (result.errors.empty()) {
    scenario.source_file = file_name;
    scenario.source_text = std::string(yaml_text);
    result.scenario = std::move(scenario);
  }
  return result;
}

LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::string error;
  const std::optional<std::string> text = read_whole_file(path, &error);
  if (!text) {
    LoadResult result;
    result.errors.push_back(Diagnostic{SourceLocation{path, 0, 0}, "cannot read: " + error});
    return result;
  }
  return load_string(*text, path, overrides);
}

}  // namespace synsim::scenario
