// The shipped overflow scripts with tcp_abort_on_overflow flipped, for the
// tests that each fails where the rule shows (on the model and on the
// kernel): final-ack-dropped-on-full-accept-queue.pkt gains
// tcp_abort_on_overflow=1 after its defaults.sh line (its lines move down
// one), abort-on-overflow.pkt has it set to 0.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"

namespace synsim::packetdrill {

// Every .pkt the project ships (scenarios/packetdrill/), sorted: what the
// model's test and the kernel's both play.
inline std::vector<std::string> shipped_scripts() {
  std::vector<std::string> paths;
  const std::filesystem::path root = std::filesystem::path(SYNSIM_SOURCE_DIR) / "scenarios" / "packetdrill";
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (e.path().extension() == ".pkt") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string flipped_abort_on_overflow(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(SYNSIM_SOURCE_DIR) / "scenarios" / "packetdrill";
  std::string text = read_text(dir / (name + ".pkt"));
  const std::string on = "`sysctl -q net.ipv4.tcp_abort_on_overflow=1`";
  if (const std::size_t at = text.find(on); at != std::string::npos) {
    text.replace(at, on.size(), "`sysctl -q net.ipv4.tcp_abort_on_overflow=0`");
  } else {
    const std::string defaults = "`./defaults.sh`\n";
    text.replace(text.find(defaults), defaults.size(), defaults + on + "\n");
  }
  return text;
}

// Serves the defaults.sh the shipped scripts run.
inline std::optional<std::string> defaults_sh(const std::string&) {
  return read_text(std::filesystem::path(SYNSIM_SOURCE_DIR) / "scenarios" / "packetdrill" / "defaults.sh");
}

inline std::uint32_t first_failed_line(const PlayResult& r) {
  for (const LineResult& l : r.lines) {
    if (l.status == LineStatus::failed) return l.where.line;
  }
  return 0;
}

}  // namespace synsim::packetdrill
