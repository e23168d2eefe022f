#include "sim/sweep/grid.h"

#include <fmt/format.h>

#include <set>

namespace synsim::sweep {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// [begin, end) of `text` without surrounding spaces.
std::pair<std::size_t, std::size_t> trimmed(std::string_view text, std::size_t begin, std::size_t end) {
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return {begin, end};
}

GridError error_at(std::size_t option, std::size_t column0, std::string message) {
  return GridError{option, column0 + 1, std::move(message)};
}

}  // namespace

std::string GridError::str() const { return fmt::format("--grid:{}:{}: {}", option, column, message); }

GridParse parse_grid_axis(std::string_view text, std::size_t option) {
  GridParse result;
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    result.error = error_at(option, 0, fmt::format("grid '{}' needs KEY=V1,V2,... (e.g. server.backlog=8,16,32)", text));
    return result;
  }
  const auto [key_begin, key_end] = trimmed(text, 0, eq);
  if (key_begin == key_end) {
    result.error = error_at(option, 0, fmt::format("grid '{}' has an empty KEY (expected e.g. server.backlog=8,16)", text));
    return result;
  }
  const std::string_view key = text.substr(key_begin, key_end - key_begin);
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (is_space(key[i])) {
      result.error = error_at(option, key_begin + i, fmt::format("KEY '{}' contains a space", key));
      return result;
    }
  }

  GridAxis axis;
  axis.key = std::string(key);
  axis.option = option;
  axis.text = std::string(text);

  // Split the values at commas outside {} [] and quotes, so that YAML flow
  // values are values too.
  std::vector<std::pair<std::size_t, char>> open;  // position and kind of each open bracket or quote
  std::size_t value_begin = eq + 1;
  std::set<std::string, std::less<>> seen;
  auto finish_value = [&](std::size_t end) -> bool {
    const auto [b, e] = trimmed(text, value_begin, end);
    if (b == e) {
      const bool only = value_begin == eq + 1 && end == text.size();
      result.error = error_at(option, std::min(b, text.size()),
                              only ? std::string("no values after '=' (expected KEY=V1,V2,...)")
                                   : std::string("empty value (two commas in a row, or a comma at an end)"));
      return false;
    }
    std::string value(text.substr(b, e - b));
    if (seen.contains(value)) {
      result.error = error_at(option, b, fmt::format("value '{}' is given twice for {}", value, axis.key));
      return false;
    }
    if (axis.values.size() == kMaxValuesPerAxis) {
      result.error = error_at(option, b, fmt::format("more than {} values for {}", kMaxValuesPerAxis, axis.key));
      return false;
    }
    seen.insert(value);
    axis.values.push_back(GridValue{std::move(value), b + 1});
    value_begin = end + 1;
    return true;
  };

  for (std::size_t i = eq + 1; i < text.size(); ++i) {
    const char c = text[i];
    const char in_quote = !open.empty() && (open.back().second == '"' || open.back().second == '\'')
                              ? open.back().second
                              : '\0';
    if (in_quote == '"') {
      if (c == '\\') {
        ++i;  // an escaped character, whatever it is
      } else if (c == '"') {
        open.pop_back();
      }
      continue;
    }
    if (in_quote == '\'') {
      if (c == '\'') open.pop_back();  // '' (an escaped quote) closes and reopens
      continue;
    }
    switch (c) {
      case '{':
      case '[':
      case '"':
      case '\'':
        open.emplace_back(i, c);
        break;
      case '}':
      case ']': {
        const char want = c == '}' ? '{' : '[';
        if (open.empty() || open.back().second != want) {
          result.error = error_at(option, i, fmt::format("'{}' without a matching '{}'", c, want));
          return result;
        }
        open.pop_back();
        break;
      }
      case ',':
        if (open.empty() && !finish_value(i)) return result;
        break;
      default:
        break;
    }
  }
  if (!open.empty()) {
    const char c = open.back().second;
    const bool quote = c == '"' || c == '\'';
    const char close = c == '{' ? '}' : c == '[' ? ']' : c;
    result.error = error_at(option, open.back().first,
                            quote ? fmt::format("quote {} is never closed", c)
                                  : fmt::format("'{}' is never closed by '{}'", c, close));
    return result;
  }
  if (!finish_value(text.size())) return result;
  result.axis = std::move(axis);
  return result;
}

GridsParse parse_grid(const std::vector<std::string>& options) {
  GridsParse result;
  for (std::size_t i = 0; i < options.size(); ++i) {
    GridParse one = parse_grid_axis(options[i], i + 1);
    if (one.error) {
      result.errors.push_back(std::move(*one.error));
      continue;
    }
    const GridAxis& axis = *one.axis;
    const std::size_t key_column = axis.text.find(axis.key) + 1;
    bool duplicate = false;
    for (const GridAxis& earlier : result.axes) {
      if (earlier.key == axis.key) {
        result.errors.push_back(GridError{axis.option, key_column,
                                          fmt::format("KEY {} is already swept by --grid {}", axis.key, earlier.option)});
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    if (result.axes.size() == kMaxGridAxes) {
      result.errors.push_back(GridError{axis.option, 1, fmt::format("more than {} --grid keys", kMaxGridAxes)});
      continue;
    }
    result.axes.push_back(std::move(*one.axis));
  }
  return result;
}

}  // namespace synsim::sweep
