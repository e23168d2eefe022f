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

// The values of one axis as they are split off, each checked: not empty,
// not given twice, not too many.
class ValueList {
 public:
  ValueList(std::string_view text, std::size_t option, std::size_t eq, GridAxis& axis)
      : text_(text), option_(option), eq_(eq), value_begin_(eq + 1), axis_(axis) {}

  // The value ending at `end` (a comma, or the end of the text); an error
  // when it is not a value.
  std::optional<GridError> finish(std::size_t end) {
    const auto [b, e] = trimmed(text_, value_begin_, end);
    if (b == e) {
      const bool only = value_begin_ == eq_ + 1 && end == text_.size();
      return error_at(option_, std::min(b, text_.size()),
                      only ? std::string("no values after '=' (expected KEY=V1,V2,...)")
                           : std::string("empty value (two commas in a row, or a comma at an end)"));
    }
    std::string value(text_.substr(b, e - b));
    if (seen_.contains(value)) {
      return error_at(option_, b, fmt::format("value '{}' is given twice for {}", value, axis_.key));
    }
    if (axis_.values.size() == kMaxValuesPerAxis) {
      return error_at(option_, b, fmt::format("more than {} values for {}", kMaxValuesPerAxis, axis_.key));
    }
    seen_.insert(value);
    axis_.values.push_back(GridValue{std::move(value), b + 1});
    value_begin_ = end + 1;
    return std::nullopt;
  }

 private:
  std::string_view text_;
  std::size_t option_;
  std::size_t eq_;
  std::size_t value_begin_;
  GridAxis& axis_;
  std::set<std::string, std::less<>> seen_;
};

// KEY of KEY=V1,V2,...: an error, or the key in `key`.
std::optional<GridError> parse_key(std::string_view text, std::size_t option, std::size_t eq, std::string_view& key) {
  const auto [key_begin, key_end] = trimmed(text, 0, eq);
  if (key_begin == key_end) {
    return error_at(option, 0, fmt::format("grid '{}' has an empty KEY (expected e.g. server.backlog=8,16)", text));
  }
  key = text.substr(key_begin, key_end - key_begin);
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (is_space(key[i])) return error_at(option, key_begin + i, fmt::format("KEY '{}' contains a space", key));
  }
  return std::nullopt;
}

// An error for the bracket or quote left open at the end, if any.
std::optional<GridError> unclosed(const std::vector<std::pair<std::size_t, char>>& open, std::size_t option) {
  if (open.empty()) return std::nullopt;
  const char c = open.back().second;
  const bool quote = c == '"' || c == '\'';
  const char close = c == '{' ? '}' : c == '[' ? ']' : c;
  return error_at(option, open.back().first,
                  quote ? fmt::format("quote {} is never closed", c)
                        : fmt::format("'{}' is never closed by '{}'", c, close));
}

// Splits the values after '=' at commas outside {} [] and quotes, so that
// YAML flow values are values too.
std::optional<GridError> split_values(std::string_view text, std::size_t option, std::size_t eq, GridAxis& axis) {
  ValueList values(text, option, eq, axis);
  std::vector<std::pair<std::size_t, char>> open;  // position and kind of each open bracket or quote
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
          return error_at(option, i, fmt::format("'{}' without a matching '{}'", c, want));
        }
        open.pop_back();
        break;
      }
      case ',':
        if (open.empty()) {
          if (std::optional<GridError> e = values.finish(i)) return e;
        }
        break;
      default:
        break;
    }
  }
  if (std::optional<GridError> e = unclosed(open, option)) return e;
  return values.finish(text.size());
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
  std::string_view key;
  if ((result.error = parse_key(text, option, eq, key))) return result;
  GridAxis axis;
  axis.key = std::string(key);
  axis.option = option;
  axis.text = std::string(text);
  if ((result.error = split_values(text, option, eq, axis))) return result;
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
