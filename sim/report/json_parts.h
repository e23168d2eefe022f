// Internal to the outcome JSON (json.h): what json.cc and json_expect.cc
// share -- the reader every field goes through, and the expect: results'
// form. Not part of the report layer's interface.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/json/json.h"
#include "sim/outcome/outcome.h"

namespace synsim::report::detail {

using Json = json::Value;

// Reading: every access goes through Reader so errors name the field
// ("outcome JSON: packets[3].seq: expected an integer").
class Reader {
 public:
  Reader(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  [[noreturn]] void fail(std::string_view key, std::string_view what) const {
    throw std::runtime_error(fmt::format("outcome JSON: {}{}{}: {}", path_, path_.empty() ? "" : ".", key, what));
  }

  const Json& at(std::string_view key) const {
    if (!j_.is_object()) {
      throw std::runtime_error(fmt::format("outcome JSON: {}: expected an object", path_.empty() ? "top level" : path_));
    }
    const Json* v = j_.find(key);
    if (v == nullptr) fail(key, "missing");
    return *v;
  }

  bool has(std::string_view key) const { return j_.contains(key); }

  Reader object(std::string_view key) const {
    const Json& v = at(key);
    if (!v.is_object()) fail(key, "expected an object");
    return Reader(v, child(key));
  }

  const Json& array(std::string_view key) const {
    const Json& v = at(key);
    if (!v.is_array()) fail(key, "expected an array");
    return v;
  }

  std::string child(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }

  std::string str(std::string_view key) const {
    const Json& v = at(key);
    if (!v.is_string()) fail(key, "expected a string");
    return v.as_string();
  }

  bool boolean(std::string_view key) const {
    const Json& v = at(key);
    if (!v.is_boolean()) fail(key, "expected true or false");
    return v.as_bool();
  }

  template <typename Int>
  Int integer(std::string_view key) const {
    return integer_value<Int>(at(key), key);
  }

  // An integer that may be left out, reading as 0.
  template <typename Int>
  Int integer_or_zero(std::string_view key) const {
    return has(key) ? integer<Int>(key) : Int{0};
  }

  // An enum by its name (outcome::from_string); `unset` when left out.
  template <typename Enum>
  Enum named(std::string_view key, std::string_view what, Enum unset) const {
    if (!has(key)) return unset;
    const std::string name = str(key);
    const std::optional<Enum> e = outcome::from_string<Enum>(name);
    if (!e) fail(key, fmt::format("unknown {} '{}'", what, name));
    return *e;
  }

  template <typename Int>
  Int integer_value(const Json& v, std::string_view key) const {
    if (v.is_unsigned()) {
      auto u = v.as_uint64();
      if (!std::in_range<Int>(u)) fail(key, fmt::format("{} is out of range", u));
      return static_cast<Int>(u);
    }
    if (v.is_integer()) {
      auto s = v.as_int64();
      if (!std::in_range<Int>(s)) fail(key, fmt::format("{} is out of range", s));
      return static_cast<Int>(s);
    }
    fail(key, "expected an integer");
  }

  template <typename Int>
  std::optional<Int> optional_integer(std::string_view key) const {
    const Json& v = at(key);
    if (v.is_null()) return std::nullopt;
    return integer_value<Int>(v, key);
  }

  std::optional<Time> optional_time(std::string_view key) const {
    auto v = optional_integer<std::int64_t>(key);
    if (!v) return std::nullopt;
    return at_ns(*v);
  }

 private:
  const Json& j_;
  std::string path_;
};

// The "expect" array (json.h) of `results`, and back: none when `root` has
// no "expect" (an outcome nobody judged, or written before results were
// saved).
Json expectations_json(const std::vector<outcome::Expectation>& results);
std::optional<std::vector<outcome::Expectation>> expectations_from(const Reader& root);

// A connection's "sockets" object (json.h), and back: empty series when the
// connection has no "sockets" (an outcome written before they were kept).
Json sockets_json(const outcome::ConnectionSockets& sockets);
outcome::ConnectionSockets sockets_from(const Reader& connection);

}  // namespace synsim::report::detail
