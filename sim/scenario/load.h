// Loading a scenario: YAML text -> Scenario, or a list of located errors.
//
// This is the project's only door from text to a Scenario. Bad input is the
// first of the three kinds of failure (style.md rule 8): every problem found
// is reported as FILE:LINE:COL: message, all of them rather than only the
// first, and nothing here throws. The accepted format is documented in
// scenarios/README.md ("Format reference"), which must stay in step with
// the schema reader (scenario_reader.h and its read_*.cc files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"

namespace synsim::scenario {

// Limits on what a scenario may ask for (scenarios/README.md "Limits"); the
// loader refuses anything beyond them with a located error. A full-detail
// run keeps a record (and its packets) for every connection; a summary-detail
// run (`--format summary`, sweeps, --seeds) keeps 60 bytes a connection plus
// the connections alive at once, so the total over all client groups bounds
// a run's memory and time. Measured (RelWithDebInfo, --format summary, the
// report's load at 30,000 connections/s with request, response and RST
// close, 2026-12-06, 2-vCPU VM with a compiler running): 10,000,000
// connections in 34-38 s and 1.24 GB peak RSS; 1,800,000 in 6.5 s and 248 MB.
constexpr std::uint32_t kMaxConnectionsPerGroup = 10'000'000;
constexpr std::uint64_t kMaxTotalConnections = 10'000'000;
// The model scans every link rule for every packet and every pause for
// every accept() attempt.
constexpr std::size_t kMaxLinkRules = 100;
constexpr std::size_t kMaxAcceptPauses = 1000;

// One problem with the input, at the node that caused it.
struct Diagnostic {
  SourceLocation where;  // file "--set" for a problem in a --set override
  std::string message;   // says what is wrong and what was expected

  // "FILE:LINE:COL: message" (1-based line and column), or "FILE: message"
  // when the whole file is refused (line 0: it cannot be read, or it is not
  // a YAML text file).
  std::string str() const;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when there are no errors
  std::vector<Diagnostic> errors;    // in file order, then --set order

  bool ok() const { return errors.empty() && scenario.has_value(); }
};

// `overrides` are the values of `--set KEY=VALUE` options, applied to the
// YAML tree before it is validated:
//   server.backlog=8          dotted path into the tree (created if absent)
//   net.ipv4.tcp_syncookies=0 a key starting with `net.` means sysctl.<KEY>
//   clients.x.count=3         `clients.NAME` is the client group named NAME
// VALUE is read as YAML (`8`, `2s`, `never`, `{bytes: 5, at: 1s}`).
// A problem in an override is reported at file "--set", line = which
// override (1 for the first), column = where in KEY=VALUE.
LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides = {});
LoadResult load_string(std::string_view yaml_text, const std::string& file_name,
                       const std::vector<std::string>& overrides = {});

// "10s" "200ms" "15us" "7ns" "1.5s" "0": a non-negative decimal number and a
// unit, exact in integer nanoseconds, at most 10 years. nullopt on bad input,
// with *error (when not null) set to a message that quotes the text.
std::optional<Duration> parse_duration(std::string_view text, std::string* error);

}  // namespace synsim::scenario
