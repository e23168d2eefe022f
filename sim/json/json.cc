#include "sim/json/json.h"

#include <nlohmann/json.hpp>

namespace synsim::json {

namespace {

using Nlohmann = nlohmann::ordered_json;

// Writes `v` as nlohmann's serializer does (serializer::dump): the same
// separators and indentation, and each string and floating-point number
// written by nlohmann itself, so the bytes are nlohmann's without building
// a second tree in memory.
class Writer {
 public:
  Writer(std::string& out, int indent, Nlohmann::error_handler_t invalid)
      : out_(out), indent_(indent), invalid_(invalid) {}

  void write(const Value& v, int level) {
    switch (v.kind()) {
      case Value::Kind::null: out_ += "null"; return;
      case Value::Kind::boolean: out_ += v.as_bool() ? "true" : "false"; return;
      case Value::Kind::integer: out_ += std::to_string(v.as_int64()); return;
      case Value::Kind::unsigned_integer: out_ += std::to_string(v.as_uint64()); return;
      case Value::Kind::floating: out_ += Nlohmann(v.as_double()).dump(); return;
      case Value::Kind::string: string(v.as_string()); return;
      case Value::Kind::array: container(v, level, '[', ']', false); return;
      case Value::Kind::object: container(v, level, '{', '}', true); return;
    }
  }

 private:
  void string(const std::string& s) { out_ += Nlohmann(s).dump(-1, ' ', false, invalid_); }

  void container(const Value& v, int level, char open, char close, bool keyed) {
    out_ += open;
    if (v.size() == 0) {
      out_ += close;
      return;
    }
    const bool pretty = indent_ >= 0;
    if (pretty) out_ += '\n';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out_ += pretty ? ",\n" : ",";
      if (pretty) out_.append(static_cast<std::size_t>(indent_ * (level + 1)), ' ');
      if (keyed) {
        string(v.keys()[i]);
        out_ += pretty ? ": " : ":";
      }
      write(v.elements()[i], level + 1);
    }
    if (pretty) {
      out_ += '\n';
      out_.append(static_cast<std::size_t>(indent_ * level), ' ');
    }
    out_ += close;
  }

  std::string& out_;
  int indent_;
  Nlohmann::error_handler_t invalid_;
};

// Builds a Value from nlohmann's SAX events (nlohmann::json_sax), so that
// reading a document builds one tree, not two. Keys seen twice: the last
// value in the first key's place, as nlohmann's own DOM parser does.
class Builder {
 public:
  bool null() { return put(Value(nullptr)); }
  bool boolean(bool b) { return put(Value(b)); }
  bool number_integer(std::int64_t n) { return put(Value(n)); }
  bool number_unsigned(std::uint64_t n) { return put(Value(n)); }
  bool number_float(double d, const std::string& /*text*/) { return put(Value(d)); }
  bool string(std::string& s) { return put(Value(std::move(s))); }
  bool binary(Nlohmann::binary_t& /*b*/) { return put(Value(nullptr)); }  // never in JSON text
  bool start_object(std::size_t /*elements*/) { return open(Value::object()); }
  bool key(std::string& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*elements*/) { return open(Value::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Nlohmann::exception& e) {
    error_ = e.what();
    return false;
  }

  Value& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  // Pointers to the open containers: each is the last element of its
  // parent, which does not grow while it is open, so they stay valid.
  Value* place(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Value& top = *stack_.back();
    if (top.is_array()) return &top.push_back(std::move(v));
    Value& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }
  bool put(Value v) {
    place(std::move(v));
    return true;
  }
  bool open(Value v) {
    stack_.push_back(place(std::move(v)));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  Value root_;
  std::vector<Value*> stack_;
  std::string key_;
  std::string error_;
};

const std::vector<Value>& no_values() {
  static const std::vector<Value> none;
  return none;
}

}  // namespace

Value Value::array() {
  Value v;
  v.data_.emplace<std::vector<Value>>();
  return v;
}

Value Value::object() {
  Value v;
  v.data_.emplace<Members>();
  return v;
}

Value Value::object(std::initializer_list<std::pair<std::string_view, Value>> members) {
  Value v = object();
  for (const auto& m : members) v[m.first] = m.second;
  return v;
}

Value& Value::operator[](std::string_view key) {
  if (is_null()) data_.emplace<Members>();
  Members& m = std::get<Members>(data_);
  for (std::size_t i = 0; i < m.keys.size(); ++i) {
    if (m.keys[i] == key) return m.values[i];
  }
  m.keys.emplace_back(key);
  m.values.emplace_back();
  return m.values.back();
}

Value& Value::push_back(Value v) {
  if (is_null()) data_.emplace<std::vector<Value>>();
  return std::get<std::vector<Value>>(data_).emplace_back(std::move(v));
}

Value::~Value() {
  // Children move to `pending` before their parent goes, so each value is
  // destroyed with no children of its own.
  std::vector<Value> pending;
  auto take_children = [&pending](Data& d) {
    std::vector<Value>* children = std::get_if<std::vector<Value>>(&d);
    if (children == nullptr) {
      if (Members* m = std::get_if<Members>(&d)) children = &m->values;
    }
    if (children == nullptr) return;
    for (Value& c : *children) {
      if (c.is_array() || c.is_object()) pending.push_back(std::move(c));
    }
    children->clear();
  };
  take_children(data_);
  while (!pending.empty()) {
    Value v = std::move(pending.back());
    pending.pop_back();
    take_children(v.data_);
  }
}

bool Value::as_bool() const { return is_boolean() && std::get<bool>(data_); }

std::int64_t Value::as_int64() const {
  if (kind() == Kind::unsigned_integer) return static_cast<std::int64_t>(std::get<std::uint64_t>(data_));
  return kind() == Kind::integer ? std::get<std::int64_t>(data_) : 0;
}

std::uint64_t Value::as_uint64() const {
  if (kind() == Kind::integer) return static_cast<std::uint64_t>(std::get<std::int64_t>(data_));
  return kind() == Kind::unsigned_integer ? std::get<std::uint64_t>(data_) : 0;
}

double Value::as_double() const { return kind() == Kind::floating ? std::get<double>(data_) : 0.0; }

const std::string& Value::as_string() const {
  static const std::string empty;
  return is_string() ? std::get<std::string>(data_) : empty;
}

const std::vector<Value>& Value::elements() const {
  if (is_array()) return std::get<std::vector<Value>>(data_);
  if (is_object()) return std::get<Members>(data_).values;
  return no_values();
}

const std::vector<std::string>& Value::keys() const {
  static const std::vector<std::string> none;
  return is_object() ? std::get<Members>(data_).keys : none;
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  const Members& m = std::get<Members>(data_);
  for (std::size_t i = 0; i < m.keys.size(); ++i) {
    if (m.keys[i] == key) return &m.values[i];
  }
  return nullptr;
}

std::string dump(const Value& v, int indent, InvalidUtf8 invalid) {
  std::string out;
  Writer(out, indent,
         invalid == InvalidUtf8::replace ? Nlohmann::error_handler_t::replace : Nlohmann::error_handler_t::strict)
      .write(v, 0);
  return out;
}

Parsed parse(std::string_view text) {
  Parsed p;
  Builder builder;
  // parse_error, and out_of_range for a number beyond double ("1e400"),
  // come to Builder::parse_error with nlohmann's message.
  if (Nlohmann::sax_parse(text, &builder)) {
    p.value = std::move(builder.root());
  } else {
    p.error = builder.error();
  }
  return p;
}

}  // namespace synsim::json
