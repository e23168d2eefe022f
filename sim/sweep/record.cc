#include "sim/sweep/record.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "sim/json/json.h"

namespace synsim::sweep {

namespace {

// Objects keep keys in insertion order: params in grid order, summary fields
// in the documented order.
using Json = json::Value;

Json optional_ns(const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

// Reading: every field checked, so a truncated or foreign line is an error
// that names the field, not a crash.
class Reader {
 public:
  explicit Reader(std::string& error) : error_(error) {}

  const Json* field(const Json& obj, const char* key, const char* where) {
    const Json* v = obj.find(key);
    if (v == nullptr) fail(fmt::format("missing key '{}'{}", key, where));
    return v;
  }
  std::uint64_t u64(const Json& obj, const char* key, const char* where = "") {
    const Json* v = field(obj, key, where);
    if (v == nullptr) return 0;
    if (!v->is_unsigned()) {
      fail(fmt::format("'{}'{} must be a non-negative integer", key, where));
      return 0;
    }
    return v->as_uint64();
  }
  std::optional<std::int64_t> optional_i64(const Json& obj, const char* key) {
    const Json* v = field(obj, key, " in summary");
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_integer()) {
      fail(fmt::format("'{}' in summary must be an integer or null", key));
      return std::nullopt;
    }
    return v->as_int64();
  }
  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  bool failed() const { return !error_.empty(); }

 private:
  std::string& error_;
};

// The grid's --set values of a line, in grid order.
void read_params(Reader& rd, const Json& p, std::vector<std::pair<std::string, std::string>>& params) {
  if (!p.is_object()) rd.fail("'params' must be an object");
  for (std::size_t i = 0; p.is_object() && i < p.size(); ++i) {
    const std::string& key = p.keys()[i];
    const Json& value = p.elements()[i];
    if (!value.is_string()) {
      rd.fail(fmt::format("params '{}' must be a string", key));
      break;
    }
    params.emplace_back(key, value.as_string());
  }
}

// The summary object of a line (record.h); every field checked.
void read_summary(Reader& rd, const Json& s, RunSummary& sum) {
  const char* in = " in summary";
  sum.connections = rd.u64(s, "connections", in);
  sum.completed = rd.u64(s, "completed", in);
  sum.reset = rd.u64(s, "reset", in);
  sum.timed_out = rd.u64(s, "timed_out", in);
  sum.refused = rd.u64(s, "refused", in);
  sum.open_at_end = rd.u64(s, "open_at_end", in);
  sum.stalled = rd.u64(s, "stalled", in);
  sum.stall_p50_ns = rd.optional_i64(s, "stall_p50_ns");
  sum.stall_p90_ns = rd.optional_i64(s, "stall_p90_ns");
  sum.stall_p99_ns = rd.optional_i64(s, "stall_p99_ns");
  sum.stall_max_ns = rd.optional_i64(s, "stall_max_ns");
  sum.connect_p99_ns = rd.optional_i64(s, "connect_p99_ns");
  // Optional: lines written before user latencies were kept lack them.
  if (s.contains("total_over_1s")) sum.total_over_1s = rd.u64(s, "total_over_1s", in);
  if (s.contains("connect_over_1s")) sum.connect_over_1s = rd.u64(s, "connect_over_1s", in);
  if (s.contains("total_p99_ns")) {
    if (const Json* p99 = s.find("total_p99_ns"); p99->is_string() && p99->as_string() == "unfinished") {
      sum.total_p99_unfinished = true;
    } else {
      sum.total_p99_ns = rd.optional_i64(s, "total_p99_ns");
    }
  }
  if (const Json* c = rd.field(s, "counters", in); c != nullptr) {
    if (!c->is_object()) rd.fail("'counters' in summary must be an object");
    for (std::size_t i = 0; c->is_object() && i < c->size(); ++i) {
      const std::string& key = c->keys()[i];
      const Json& value = c->elements()[i];
      if (!value.is_integer()) {
        rd.fail(fmt::format("counter '{}' must be an integer", key));
        break;
      }
      sum.counters[key] = value.as_int64();
    }
  }
  if (const Json* e = rd.field(s, "expectations_passed", in); e != nullptr) {
    if (e->is_boolean()) {
      sum.expectations_passed = e->as_bool();
    } else if (!e->is_null()) {
      rd.fail("'expectations_passed' in summary must be true, false or null");
    }
  }
}

}  // namespace

std::string to_json_line(const SweepRecord& r) {
  Json params = Json::object();
  for (const auto& [k, v] : r.params) params[k] = v;
  Json counters = Json::object();
  for (const auto& [k, v] : r.summary.counters) counters[k] = v;
  const RunSummary& s = r.summary;
  Json summary = Json::object();
  summary["connections"] = s.connections;
  summary["completed"] = s.completed;
  summary["reset"] = s.reset;
  summary["timed_out"] = s.timed_out;
  summary["refused"] = s.refused;
  summary["open_at_end"] = s.open_at_end;
  summary["stalled"] = s.stalled;
  summary["stall_p50_ns"] = optional_ns(s.stall_p50_ns);
  summary["stall_p90_ns"] = optional_ns(s.stall_p90_ns);
  summary["stall_p99_ns"] = optional_ns(s.stall_p99_ns);
  summary["stall_max_ns"] = optional_ns(s.stall_max_ns);
  summary["connect_p99_ns"] = optional_ns(s.connect_p99_ns);
  summary["total_over_1s"] = s.total_over_1s;
  summary["connect_over_1s"] = s.connect_over_1s;
  // A p99 among unfinished connections: "unfinished".
  summary["total_p99_ns"] = s.total_p99_unfinished ? Json("unfinished") : optional_ns(s.total_p99_ns);
  summary["counters"] = std::move(counters);
  summary["expectations_passed"] = s.expectations_passed ? Json(*s.expectations_passed) : Json(nullptr);
  Json line = Json::object();
  line["sweep"] = r.sweep;
  line["index"] = r.index;
  line["params"] = std::move(params);
  line["seed"] = r.seed;
  line["summary"] = std::move(summary);
  line["events"] = r.events;
  // Invalid UTF-8 in a value (from the command line) is replaced, not thrown.
  return json::dump(line, -1, json::InvalidUtf8::replace);
}

RecordParse parse_json_line(std::string_view line) {
  RecordParse result;
  json::Parsed parsed = json::parse(line);
  if (!parsed.value) {
    result.error = "not valid JSON";
    return result;
  }
  const Json& j = *parsed.value;
  if (!j.is_object()) {
    result.error = "expected a JSON object (one sweep run per line)";
    return result;
  }
  Reader rd(result.error);
  SweepRecord r;
  if (const Json* v = rd.field(j, "sweep", ""); v != nullptr) {
    if (v->is_string()) {
      r.sweep = v->as_string();
    } else {
      rd.fail("'sweep' must be a string");
    }
  }
  r.index = rd.u64(j, "index");
  r.seed = rd.u64(j, "seed");
  r.events = rd.u64(j, "events");
  if (const Json* p = rd.field(j, "params", ""); p != nullptr) read_params(rd, *p, r.params);
  const Json* s = rd.field(j, "summary", "");
  if (s != nullptr && !s->is_object()) rd.fail("'summary' must be an object");
  if (s != nullptr && s->is_object()) read_summary(rd, *s, r.summary);
  if (!rd.failed()) result.record = std::move(r);
  return result;
}

void for_each_jsonl_line(std::string_view text,
                         const std::function<bool(std::uint64_t, std::string_view)>& line) {
  std::uint64_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!line(line_no, l)) return;
  }
}

void read_jsonl_text(std::string_view text, const std::string& name, ReadResult& into) {
  const std::size_t records_before = into.records.size();
  for_each_jsonl_line(text, [&](std::uint64_t line_no, std::string_view line) {
    RecordParse p = parse_json_line(line);
    if (p.record) {
      into.records.push_back(std::move(*p.record));
      return true;
    }
    // One error per file: the first bad line says what is wrong with the
    // file; a file that is not JSON lines at all (a pretty-printed JSON
    // document, an outcome.json) would otherwise give one error per line.
    if (into.records.size() == records_before && json::parse(text).value) {
      into.errors.push_back(fmt::format("{}: one JSON document over several lines, not JSON lines (synsim sweep "
                                        "writes one run per line)", name));
    } else {
      into.errors.push_back(fmt::format("{}:{}: {}", name, line_no, p.error));
    }
    return false;
  });
}

ReadResult read_jsonl_files(const std::vector<std::string>& paths) {
  ReadResult result;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      result.errors.push_back(fmt::format("{}:0: cannot read", path));
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    read_jsonl_text(text.str(), path, result);
  }
  return result;
}

}  // namespace synsim::sweep
