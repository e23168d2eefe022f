// The fuzz targets' entry functions, shared by the libFuzzer programs
// (fuzz_main.cc, built by scripts/fuzz into build-fuzz/) and the regression
// test (regression_test.cc, part of the normal suite), so a crash the fuzzer
// found is replayed through exactly the code that found it.
//
// Each entry takes arbitrary bytes and must return normally: anything else
// (a sanitizer report, an uncaught exception, a broken property, which
// aborts through fuzz_check) is a finding. Properties checked besides "no
// crash" are listed on each target.
#pragma once

#include <string_view>
#include <vector>

namespace synsim::fuzz {

// scenario::load_string on the bytes as a YAML file. Property: a result is
// either a scenario with no errors or errors with no scenario, and every
// error is located in the file.
void load_scenario(std::string_view data);

// scenario::load_string on a fixed valid scenario with the bytes as --set
// overrides (one per line, at most 16). Property: as load_scenario, with
// errors located in the file or at an existing override.
void overrides(std::string_view data);

// The scalar parsers of sim/scenario/values.h and load.h (parse_duration,
// parse_integer, parse_unsigned, parse_rate, parse_time_with_tolerance,
// parse_listen, parse_connection_name, is_valid_name, is_counter_name) on
// the whole input, then on each line. Property: accepted values are inside
// their documented ranges, and a rejection always says why.
void values(std::string_view data);

// report::outcome_from_json on the bytes. Property: it returns or throws
// std::runtime_error (nothing else); what it returns renders to JSON that
// reads back to the same JSON.
void outcome_json(std::string_view data);

// sweep::parse_grid on the bytes split into lines (each line one --grid
// option, at most 8). Property: errors iff no axes is not required (both may
// be partial), but every error names an existing option and a column within
// its text, and every axis has at least one value.
void grid(std::string_view data);

// sweep::read_jsonl_text on the bytes (sweep output, e.g. concatenated
// shards). Property: every record read back writes to a line that reads back
// to the same record.
void sweep_jsonl(std::string_view data);

// capture::read_capture_bytes on the bytes (pcap/pcapng by their magic
// number, tcpdump text otherwise), then capture::explain. Property: it
// returns or throws capture::InputError (nothing else); a text error names
// "fuzz.txt:LINE:COL", a pcap error "fuzz.pcap: ..."; every skipped line or
// packet says where and why; every packet of the outcome belongs to a
// connection, and every connection's explanation ends in its conclusion
// when it has one.
void capture(std::string_view data);

// packetdrill::parse_script on the bytes as a .pkt script (a defaults.sh it
// runs reads as the same bytes), then, when it parses, play_on_model.
// Property: an error is located (line and column from 1) in the script or
// the file it ran and says what is wrong; a parsed script has events, and
// its played result has one line result per event, ok ones first.
void packetdrill(std::string_view data);

struct Target {
  std::string_view name;  // also the folder under tests/fuzz/regressions/
  void (*run)(std::string_view data);
};
const std::vector<Target>& targets();

}  // namespace synsim::fuzz
