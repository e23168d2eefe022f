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

#include "sim/core/utf8.h"
#include "sim/scenario/overrides.h"
#include "sim/scenario/scenario_reader.h"
#include "sim/scenario/yaml_view.h"

namespace synsim::scenario {

using detail::Reader;

std::string Diagnostic::str() const {
  // Line 0: the whole file is wrong (cannot be read, not text); no place in it to point at.
  if (where.line == 0) return fmt::format("{}: {}", where.file, message);
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message);
}

namespace {

constexpr std::size_t kMaxFileBytes = 16 << 20;  // scenario files are small

// Reads a whole file; nullopt with *error = strerror text on failure. A
// file larger than kMaxFileBytes is a failure too, with its first
// kMaxFileBytes bytes left in *head (a large binary is then said to be one).
std::optional<std::string> read_whole_file(const std::string& path, std::string* error, std::string* head) {
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
      *head = std::move(text);
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  return text;
}

// Why `text` cannot be a YAML file, or nullopt when it can: YAML is
// printable Unicode text (YAML 1.2 section 5.1, c-printable: tab, line
// breaks, no other C0 control, no DEL, no C1 control but NEL), and
// synsim reads it as UTF-8. Said before yaml-cpp sees the bytes: its
// message for a binary file ("unknown escape character") names neither
// the file's kind nor the first byte that is wrong.
std::optional<std::string> not_yaml_text(std::string_view text) {
  const auto starts = [&](std::string_view magic) { return text.substr(0, magic.size()) == magic; };
  if (starts("\x7f" "ELF")) return "an ELF executable or object file";
  if (starts("\x1f\x8b")) return "gzip-compressed data";
  if (starts("PK\x03\x04")) return "a zip archive";
  if (starts("\xff\xfe") || starts("\xfe\xff")) return "UTF-16 text; synsim reads UTF-8";
  std::size_t line = 1, column = 1;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto c = static_cast<unsigned char>(text[pos]);
    const std::size_t n = utf8::character_at(text, pos);
    const bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
    // U+0080..U+009F are C2 80..C2 9F; U+0085 (NEL) is a YAML line break.
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[pos + 1]) <= 0x9F &&
                    static_cast<unsigned char>(text[pos + 1]) != 0x85;
    if (c1) {
      return fmt::format("control character U+{:04X} at line {}, column {}",
                         static_cast<unsigned char>(text[pos + 1]), line, column);
    }
    if (n == 0 || control) {
      return fmt::format("{} byte 0x{:02x} at line {}, column {}", n == 0 ? "non-UTF-8" : "control", c, line, column);
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    pos += n;
  }
  return std::nullopt;
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
  if (const std::optional<std::string> why = not_yaml_text(yaml_text)) {
    result.errors.push_back(Diagnostic{SourceLocation{file_name, 0, 0}, "not a YAML text file (" + *why + ")"});
    return result;
  }
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
  std::string head;
  const std::optional<std::string> text = read_whole_file(path, &error, &head);
  if (!text) {
    LoadResult result;
    // The head up to its last line break: a character cut at the limit is not the file's fault.
    const std::size_t cut = head.rfind('\n');
    const std::optional<std::string> why =
        not_yaml_text(std::string_view(head).substr(0, cut == std::string::npos ? head.size() : cut + 1));
    result.errors.push_back(why ? Diagnostic{SourceLocation{path, 0, 0}, "not a YAML text file (" + *why + ")"}
                                : Diagnostic{SourceLocation{path, 0, 0}, "cannot read: " + error});
    return result;
  }
  return load_string(*text, path, overrides);
}

}  // namespace synsim::scenario
