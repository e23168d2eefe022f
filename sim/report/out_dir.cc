#include "sim/report/out_dir.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/core/atomic_file.h"
#include "sim/report/json.h"
#include "sim/report/pcap.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"

namespace synsim::report {

namespace {

namespace fs = std::filesystem;

// What write_out_dir writes.
constexpr std::string_view kOwnFiles[] = {"timeline.txt", "summary.txt", "outcome.json", "capture.pcap",
                                          "scenario.yaml"};

}  // namespace

void claim_out_dir(const fs::path& dir, const std::vector<std::string>& own_names) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      throw std::runtime_error(fmt::format("cannot write into {}: not a directory", dir.string()));
    }
    std::vector<std::string> foreign;
    bool marked = false;
    fs::directory_iterator it(dir, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot read directory {}: {}", dir.string(), ec.message()));
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name == kOutDirMarker) {
        marked = true;
        break;
      }
      const bool own = std::find(std::begin(kOwnFiles), std::end(kOwnFiles), name) != std::end(kOwnFiles) ||
                       std::find(own_names.begin(), own_names.end(), name) != own_names.end() ||
                       is_atomic_write_temporary_name(name);
      if (!own) foreign.push_back(name);
    }
    if (ec) throw std::runtime_error(fmt::format("cannot read directory {}: {}", dir.string(), ec.message()));
    if (!marked && !foreign.empty()) {
      std::sort(foreign.begin(), foreign.end());
      std::string shown;
      for (std::size_t i = 0; i < foreign.size() && i < 3; ++i) shown += (i ? ", " : "") + ("'" + foreign[i] + "'");
      if (foreign.size() > 3) shown += fmt::format(" and {} more", foreign.size() - 3);
      throw std::runtime_error(fmt::format(
          "refusing to write into {}: it is not empty and was not written by synsim (it holds {}); "
          "choose a new or empty directory",
          dir.string(), shown));
    }
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  }
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error(fmt::format("cannot write into {}: not a directory", dir.string()));
  }
  write_file_atomically(dir / kOutDirMarker,
                        "This directory holds synsim's output; the next `synsim ... --out` here replaces its files.\n");
}

std::vector<OutDirFile> render_out_dir(const outcome::Outcome& outcome, const std::string& scenario_text) {
  return {
      {"timeline.txt", render_tcpdump(outcome)},
      {"summary.txt", render_summary(outcome)},
      {"outcome.json", render_json(outcome)},
      {"capture.pcap", render_pcap(outcome)},
      {"scenario.yaml", scenario_text},
  };
}

void stage_out_dir(StagedFiles& staged, const fs::path& dir, const std::vector<OutDirFile>& files) {
  claim_out_dir(dir);
  for (const OutDirFile& f : files) staged.stage(dir / f.name, f.bytes);
}

void write_out_dir(const fs::path& dir, const outcome::Outcome& outcome, const std::string& scenario_text) {
  // Render first: a rendering error must not leave a partial set behind.
  const std::vector<OutDirFile> files = render_out_dir(outcome, scenario_text);
  StagedFiles staged;
  stage_out_dir(staged, dir, files);
  staged.publish();
}

}  // namespace synsim::report
