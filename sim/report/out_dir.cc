#include "sim/report/out_dir.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/core/atomic_file.h"
#include "sim/report/html.h"
#include "sim/report/json.h"
#include "sim/report/markdown.h"
#include "sim/report/pcap.h"
#include "sim/report/perfetto.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"

namespace synsim::report {

namespace {

namespace fs = std::filesystem;

using Render = std::string (*)(const outcome::Outcome&, const std::string& scenario_text);

// What write_out_dir writes, in this order. `per_side`: also in each side's
// directory of `synsim compare --out` (model/, kernel/), where the report,
// the Markdown summary and the trace are rendered once for both sides instead.
struct Output {
  std::string_view name;
  bool per_side;
  Render render;
};
const Output kOutputs[] = {
    {"timeline.txt", true, [](const outcome::Outcome& o, const std::string&) { return render_tcpdump(o); }},
    {"summary.txt", true, [](const outcome::Outcome& o, const std::string&) { return render_summary(o); }},
    {"outcome.json", true, [](const outcome::Outcome& o, const std::string&) { return render_json(o); }},
    {"capture.pcap", true, [](const outcome::Outcome& o, const std::string&) { return render_pcap(o); }},
    {"trace.json", false, [](const outcome::Outcome& o, const std::string&) { return render_perfetto(o); }},
    {"report.html", false,
     [](const outcome::Outcome& o, const std::string& scenario_text) {
       HtmlReport html;
       html.model = &o;
       html.scenario_text = scenario_text;
       return render_html(html);
     }},
    {"summary.md", false,
     [](const outcome::Outcome& o, const std::string&) { return render_markdown(o, nullptr, nullptr); }},
    {"scenario.yaml", true, [](const outcome::Outcome&, const std::string& scenario_text) { return scenario_text; }},
};

bool is_own_file(std::string_view name) {
  return std::any_of(std::begin(kOutputs), std::end(kOutputs), [&](const Output& o) { return o.name == name; });
}

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
      const bool own = is_own_file(name) ||
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
  std::vector<OutDirFile> files;
  for (const Output& o : kOutputs) {
    if (o.per_side) files.push_back({std::string(o.name), o.render(outcome, scenario_text)});
  }
  return files;
}

void stage_out_dir(StagedFiles& staged, const fs::path& dir, const std::vector<OutDirFile>& files) {
  claim_out_dir(dir);
  for (const OutDirFile& f : files) staged.stage(dir / f.name, f.bytes);
}

void write_out_dir(const fs::path& dir, const outcome::Outcome& outcome, const std::string& scenario_text,
                   const outcome::Outcome* summary) {
  // Each file is rendered and staged in turn (one in memory at a time: a
  // load run's are hundreds of MB), and all appear together at the end: a
  // rendering error leaves no partial set behind (the staged ones are removed).
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  try {
    StagedFiles staged;
    claim_out_dir(dir);
    for (const Output& o : kOutputs) {
      const bool own_summary = summary != nullptr && o.name == "summary.txt";
      staged.stage(dir / o.name, o.render(own_summary ? *summary : outcome, scenario_text));
    }
    staged.publish();
  } catch (...) {
    // A directory this call created holds nothing but the marker now (the
    // staged files are removed): take it away too, so a failed run leaves
    // no trace. fs::remove removes only an empty directory.
    if (!existed) {
      fs::remove(dir / kOutDirMarker, ec);
      fs::remove(dir, ec);
    }
    throw;
  }
}

}  // namespace synsim::report
