// The output formats shared by `synsim run` and `synsim kernel`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/outcome/outcome.h"

namespace synsim::cli {

// text | tcpdump | summary | json | perfetto | html | markdown | netstat
const std::vector<std::string>& output_formats();
// `synsim run`'s: output_formats() and pkt (a packetdrill script of one
// connection: pkt_format.h, not a rendering of the whole outcome).
const std::vector<std::string>& run_formats();
// `out` in `format`, as printed on stdout. Every format but perfetto
// carries the expect: results the outcome holds (Outcome::expect): text and
// summary open with a banner when one failed and close with every result,
// as do Markdown and HTML; JSON holds them as data; tcpdump is followed by
// them (timeline.txt of --out is the timeline alone). netstat: the sockets at `at`
// (default: the end of the run, or where a partial run stopped).
std::string render_format(const std::string& format, const outcome::Outcome& out, const std::string& scenario_text,
                          std::optional<Time> at = std::nullopt);

}  // namespace synsim::cli
