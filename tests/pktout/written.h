// A shipped scenario's connection written as a packetdrill script, as
// `synsim run SCENARIO --format pkt --connection NAME` writes it, for the
// writer's tests (model, golden and kernel).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "sim/model/run.h"
#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"
#include "sim/pktout/write.h"
#include "sim/scenario/load.h"

namespace synsim::pktout::testing {

// The deterministic scenarios a script is written from, each with the
// connection it is of: the stalled (or reset) one.
struct Case {
  const char* scenario;    // relative to the source tree, as a user names it
  const char* connection;
  const char* name;        // for test names and files
};

inline constexpr Case kCases[] = {
    {"scenarios/stall/loopback-stall-2003.yaml", "x#1", "loopback_stall_2003_x1"},
    {"scenarios/measured/e1-accept-at-500ms.yaml", "b#0", "e1_b0"},
    {"scenarios/measured/e2-accept-at-13s.yaml", "b#0", "e2_b0"},
    {"scenarios/measured/e3-never-accept.yaml", "b#0", "e3_b0"},
    {"scenarios/measured/e4-abort-on-overflow.yaml", "b#0", "e4_b0"},
};

inline scenario::Scenario load(const std::string& relative) {
  scenario::LoadResult r = scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/" + relative);
  if (!r.ok()) ADD_FAILURE() << relative << ": " << (r.errors.empty() ? "" : r.errors.front().str());
  return r.scenario.value_or(scenario::Scenario{});
}

// The script, or why it cannot be written.
inline std::variant<std::string, CannotWrite> write(const std::string& relative, const std::string& connection) {
  const scenario::Scenario sc = load(relative);
  const outcome::Outcome out = model::run(sc);
  return write_script(sc, out, relative, connection);
}

inline std::string written(const std::string& relative, const std::string& connection) {
  auto w = write(relative, connection);
  if (const auto* no = std::get_if<CannotWrite>(&w)) {
    ADD_FAILURE() << no->why;
    return "";
  }
  return std::get<std::string>(w);
}

inline packetdrill::Script parsed(const std::string& text) {
  auto p = packetdrill::parse_script(text, "written.pkt", [](const std::string&) { return std::nullopt; });
  if (const auto* e = std::get_if<packetdrill::ParseError>(&p)) {
    ADD_FAILURE() << e->message();
    return packetdrill::Script{};
  }
  return std::get<packetdrill::Script>(p);
}

// `text` saved where `synsim run FILE.pkt` can read it (one file per test).
inline std::string saved(const std::string& text, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "synsim-pktout-tests";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / (name + ".pkt");
  std::ofstream(file, std::ios::binary) << text;
  return file.string();
}

// `text` with `from` replaced by `to` once (the test fails if it is not there).
inline std::string altered(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "not in the script: " << from;
    return text;
  }
  return text.replace(at, from.size(), to);
}

}  // namespace synsim::pktout::testing
