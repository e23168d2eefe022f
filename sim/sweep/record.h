// Sweep output: one JSON object per run, one per line (JSON lines), so the
// outputs of shards merge by concatenation.
//
//   {"sweep":"backlog-vs-rate","index":18,"params":{"server.backlog":"8","clients.load.arrival.rate":"4000/s"},
//    "seed":1,"summary":{"connections":50,"completed":50,"reset":0,"timed_out":0,"refused":0,"open_at_end":0,
//    "stalled":18,"stall_p50_ns":8750000,"stall_p90_ns":418670000,"stall_p99_ns":423620000,
//    "stall_max_ns":423620000,"connect_p99_ns":1021020000,"counters":{"TcpActiveOpens":50,...},
//    "expectations_passed":true},"events":506}
//
// `params` keeps the grid's key order (the first key is the heat map's x
// axis); values are strings, as given on the command line. Quantiles with no
// data are null. Integers only: a line is byte-identical on every machine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/sweep/summary.h"

namespace synsim::sweep {

struct SweepRecord {
  std::string sweep;  // scenario name
  std::uint64_t index = 0;
  std::vector<std::pair<std::string, std::string>> params;  // grid order
  std::uint64_t seed = 0;
  RunSummary summary;
  std::uint64_t events = 0;

  bool operator==(const SweepRecord&) const = default;
};

// One line of JSON, without the newline.
std::string to_json_line(const SweepRecord& r);

struct RecordParse {
  std::optional<SweepRecord> record;
  std::string error;  // when !record: what is wrong ("missing key 'index'", ...)
};
RecordParse parse_json_line(std::string_view line);

// Every record of some JSON-lines files (blank lines skipped), in file order.
// Errors as "FILE:LINE: message", at most one per file: reading a file
// stops at its first bad line.
struct ReadResult {
  std::vector<SweepRecord> records;
  std::vector<std::string> errors;
};
ReadResult read_jsonl_files(const std::vector<std::string>& paths);
// The same for text already in memory (`name` stands for the file in errors).
void read_jsonl_text(std::string_view text, const std::string& name, ReadResult& into);

// Calls `line(number, text)` for each non-blank line of JSON-lines text
// (1-based numbers, a trailing CR dropped) until it returns false.
void for_each_jsonl_line(std::string_view text,
                         const std::function<bool(std::uint64_t, std::string_view)>& line);

}  // namespace synsim::sweep
