// A JSON value (null, boolean, integer, floating point, string, array, or
// object with keys in insertion order) and its text. The text is
// nlohmann::ordered_json's: dump() writes what its dump() writes (strings
// and floating-point numbers by nlohmann itself) and parse() reads through
// its SAX parser, with its error messages; no nlohmann type leaves this
// layer, and neither builds a second tree.
//
//   json::Value j = json::Value::object();
//   j["format"] = "synsim-spread";
//   j["seeds"] = json::array_of(seeds);
//   j["figures"].push_back(json::Value::object({{"what", "reset"}, {"min", 0}}));
//   std::string text = json::dump(j, 2);
//
//   json::Parsed p = json::parse(text);  // p.value, or p.error (nlohmann's message)
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace synsim::json {

class Value;

// An object's members: keys[i] names values[i], in insertion order.
struct Members {
  std::vector<std::string> keys;
  std::vector<Value> values;
};

class Value {
 public:
  // integer: a negative number as read, or a signed C++ integer as written;
  // unsigned_integer: a non-negative number as read, or an unsigned C++ integer.
  // (The order of Data's alternatives.)
  enum class Kind { null, boolean, integer, unsigned_integer, floating, string, array, object };

  Value() = default;
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  Value& operator=(const Value&) = default;
  Value& operator=(Value&&) noexcept = default;
  // Without recursion, so that a deeply nested document read from anywhere
  // cannot exhaust the stack.
  ~Value();
  Value(std::nullptr_t) {}
  Value(bool b) : data_(std::in_place_type<bool>, b) {}
  template <std::integral Int>
    requires(!std::same_as<Int, bool>)
  Value(Int n) {
    if constexpr (std::is_signed_v<Int>) {
      data_.template emplace<std::int64_t>(static_cast<std::int64_t>(n));
    } else {
      data_.template emplace<std::uint64_t>(static_cast<std::uint64_t>(n));
    }
  }
  Value(double d) : data_(std::in_place_type<double>, d) {}
  Value(const char* s) : data_(std::in_place_type<std::string>, s) {}
  Value(std::string s) : data_(std::in_place_type<std::string>, std::move(s)) {}
  Value(std::string_view s) : data_(std::in_place_type<std::string>, s) {}

  static Value array();
  static Value object();
  // Members in the order given.
  static Value object(std::initializer_list<std::pair<std::string_view, Value>> members);

  // Writing. operator[]: the member named `key` (appended as null when
  // missing); a null value becomes an object first. push_back: a null value
  // becomes an array first and returns the new element.
  Value& operator[](std::string_view key);
  Value& push_back(Value v);

  // Reading.
  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::null; }
  bool is_boolean() const { return kind() == Kind::boolean; }
  bool is_integer() const { return kind() == Kind::integer || kind() == Kind::unsigned_integer; }
  bool is_unsigned() const { return kind() == Kind::unsigned_integer; }
  bool is_string() const { return kind() == Kind::string; }
  bool is_array() const { return kind() == Kind::array; }
  bool is_object() const { return kind() == Kind::object; }
  // Each of these on a value of another kind: false, 0, "", empty.
  bool as_bool() const;
  // Either integer kind, converted as static_cast would.
  std::int64_t as_int64() const;
  std::uint64_t as_uint64() const;
  double as_double() const;
  const std::string& as_string() const;
  // An array's elements, or an object's member values (in key order).
  const std::vector<Value>& elements() const;
  // An object's keys, in order; keys()[i] names elements()[i].
  const std::vector<std::string>& keys() const;
  std::size_t size() const { return elements().size(); }
  // An object's member, or nullptr (also when this is not an object).
  const Value* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }

 private:
  using Data = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string,
                            std::vector<Value>, Members>;
  Data data_;
};

// An array holding each item as a Value.
template <typename T>
Value array_of(const std::vector<T>& items) {
  Value a = Value::array();
  for (const T& item : items) a.push_back(Value(item));
  return a;
}

// What to do with a string that is not valid UTF-8: throw (as nlohmann's
// type_error 316, a std::exception), or write U+FFFD in its place.
enum class InvalidUtf8 { fail, replace };

// The text: indent < 0 on one line with no spaces, else members on their own
// lines indented by `indent` spaces per level (nlohmann's dump()).
std::string dump(const Value& v, int indent = -1, InvalidUtf8 invalid = InvalidUtf8::fail);

struct Parsed {
  std::optional<Value> value;
  std::string error;  // when !value: nlohmann's exception message ("[json.exception.parse_error.101] ...")
};
// Duplicate keys: the last value, in the first key's place.
Parsed parse(std::string_view text);

}  // namespace synsim::json
