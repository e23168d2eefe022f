// Sweep grids: `--grid KEY=V1,V2,...` options into axes of override values.
//
// A grid axis is one scenario key (any key `--set` accepts) and the values it
// takes. The sweep runs the cartesian product of its axes; each point is the
// scenario loaded with one `KEY=VALUE` override per axis. Values are split at
// commas outside brackets and quotes, so a YAML flow value can be a grid
// value: `--grid 'clients.load.send={bytes: 5, at: 0s},{bytes: 5, at: 2ms}'`.
//
// Bad grid syntax is bad input (style.md rule 8): reported as
// `--grid:N:COL: message`, N being the position of the option among the
// `--grid` options (1 for the first) and COL the 1-based position in its
// text, as `--set:N:COL:` is for overrides.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synsim::sweep {

// Limits (scenarios/README.md "Limits" spirit: bounded work for any input).
constexpr std::size_t kMaxGridAxes = 16;
constexpr std::size_t kMaxValuesPerAxis = 10'000;

struct GridValue {
  std::string text;         // the value as given, trimmed of surrounding spaces
  std::size_t column = 0;   // 1-based column of its first character in the --grid text
};

struct GridAxis {
  std::string key;          // "server.backlog"
  std::vector<GridValue> values;
  std::size_t option = 0;   // which --grid option (1-based)
  std::string text;         // the whole option text, for messages
};

struct GridError {
  std::size_t option = 0;   // 1-based position among the --grid options
  std::size_t column = 0;   // 1-based column in the option's text
  std::string message;

  // "--grid:N:COL: message"
  std::string str() const;
};

// One `--grid` option. `option` is its 1-based position among the --grid
// options. Errors: no `=`, empty KEY, a KEY with spaces, no values, an empty
// value (`8,,16`), the same value twice, unbalanced brackets or quotes, more
// than kMaxValuesPerAxis values.
struct GridParse {
  std::optional<GridAxis> axis;
  std::optional<GridError> error;
};
GridParse parse_grid_axis(std::string_view text, std::size_t option);

// All `--grid` options, in order; also refuses the same KEY on two axes and
// more than kMaxGridAxes axes. Every error found is returned (none: ok).
struct GridsParse {
  std::vector<GridAxis> axes;
  std::vector<GridError> errors;
};
GridsParse parse_grid(const std::vector<std::string>& options);

}  // namespace synsim::sweep
