// A /proc or /sys file read whole (they are small and have no size to
// stat: read to the end).
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace synsim::kernel {

// The file's text, or nullopt when it cannot be opened.
inline std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace synsim::kernel
