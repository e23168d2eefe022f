// Every scenario shipped under scenarios/, found by walking the tree, so a
// new scenario is covered by the golden and determinism tests without
// editing a list.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace synsim::testing {

inline std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> paths;
  const std::filesystem::path root = std::filesystem::path(SYNSIM_SOURCE_DIR) / "scenarios";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") {
      paths.push_back(std::filesystem::relative(e.path(), SYNSIM_SOURCE_DIR).string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

inline std::string test_name_of(const std::string& path) {
  std::string n;
  for (char c : path) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

}  // namespace synsim::testing
