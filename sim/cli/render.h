// The output formats shared by `synsim run` and `synsim kernel`.
#pragma once

#include <string>
#include <vector>

#include "sim/outcome/outcome.h"

namespace synsim::cli {

// text | tcpdump | summary | json | perfetto | html | markdown
const std::vector<std::string>& output_formats();
// Formats meant for programs (no expectation lines may follow them).
bool is_machine_format(const std::string& format);

std::string render_format(const std::string& format, const outcome::Outcome& out, const std::string& scenario_text);

}  // namespace synsim::cli
