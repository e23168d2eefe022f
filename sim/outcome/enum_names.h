// Reading an enum back from the name its to_string() gives, for the enums of
// sim/outcome saved in outcome JSON (reason.cc, expectation.cc).
#pragma once

#include <optional>
#include <string_view>

namespace synsim::outcome {

// Every value from the first (0) to `last`, by the names to_string gives:
// these enums count from 0 without gaps, to_string's switches have no
// default (-Werror=switch), and `last` is each enum's last enumerator, so a
// value added before it is found as soon as it is named.
template <typename Enum>
std::optional<Enum> named(std::string_view name, Enum last) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (name == to_string(static_cast<Enum>(i))) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace synsim::outcome
