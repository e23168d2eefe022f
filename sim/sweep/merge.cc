#include "sim/sweep/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace synsim::sweep {

namespace {

struct Placed {
  SweepRecord record;
  std::string origin;  // FILE:LINE
};

// The grid's keys of a line, in grid order: two sweeps of one scenario over
// different grids number their runs differently and must not mix.
std::vector<std::string> keys_of(const SweepRecord& r) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.params) keys.push_back(k);
  return keys;
}

class Merger {
 public:
  explicit Merger(MergeResult& out) : out_(out) {}

  void add_text(const std::string& name, std::string_view text) {
    for_each_jsonl_line(text, [&](std::uint64_t line_no, std::string_view line) {
      RecordParse p = parse_json_line(line);
      const std::string origin = fmt::format("{}:{}", name, line_no);
      if (!p.record) {
        out_.errors.push_back(fmt::format("{}: {}", origin, p.error));
        return false;  // one error per file: its first bad line
      }
      add(Placed{std::move(*p.record), origin});
      return true;
    });
  }

  void finish() {
    if (!out_.errors.empty()) return;
    std::vector<std::uint64_t> missing;
    std::uint64_t expected = 0;
    for (auto& [index, placed] : by_index_) {
      for (; expected < index; ++expected) missing.push_back(expected);
      expected = index + 1;
      out_.records.push_back(std::move(placed.record));
    }
    if (!missing.empty()) {
      std::string list;
      for (std::size_t i = 0; i < missing.size() && i < 8; ++i) list += fmt::format("{}{}", i ? ", " : "", missing[i]);
      if (missing.size() > 8) list += ", ...";
      out_.errors.push_back(fmt::format("runs missing: {} of the indices 0..{} are in no file ({}): a shard did not "
                                        "finish or was not given",
                                        missing.size(), by_index_.rbegin()->first, list));
      out_.records.clear();
    }
  }

 private:
  void add(Placed p) {
    if (!first_) {
      first_ = p.origin;
      sweep_ = p.record.sweep;
      keys_ = keys_of(p.record);
    } else if (p.record.sweep != sweep_ || keys_of(p.record) != keys_) {
      out_.errors.push_back(fmt::format("{}: another sweep: scenario '{}' over {} where {} has '{}' over {}", p.origin,
                                        p.record.sweep, describe(keys_of(p.record)), *first_, sweep_,
                                        describe(keys_)));
      return;
    }
    const auto [it, inserted] = by_index_.try_emplace(p.record.index, p);
    if (inserted) return;
    if (it->second.record == p.record) {
      out_.warnings.push_back(fmt::format("{}: run {} given twice (also {}), kept once", p.origin, p.record.index,
                                          it->second.origin));
    } else {
      out_.errors.push_back(fmt::format("{}: run {} differs from the run {} of {} (another build or scenario?)",
                                        p.origin, p.record.index, p.record.index, it->second.origin));
    }
  }

  static std::string describe(const std::vector<std::string>& keys) {
    if (keys.empty()) return "no grid";
    std::string s = "grid ";
    for (std::size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i];
    return s;
  }

  MergeResult& out_;
  std::optional<std::string> first_;
  std::string sweep_;
  std::vector<std::string> keys_;
  std::map<std::uint64_t, Placed> by_index_;
};

}  // namespace

MergeResult merge_sweep_texts(const std::vector<std::pair<std::string, std::string>>& files) {
  MergeResult result;
  Merger merger(result);
  for (const auto& [name, text] : files) merger.add_text(name, text);
  merger.finish();
  if (result.errors.empty() && result.records.empty()) result.errors.push_back("no runs to merge: the files hold no line");
  return result;
}

MergeResult merge_sweep_files(const std::vector<std::string>& paths) {
  std::vector<std::pair<std::string, std::string>> files;
  MergeResult unreadable;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      unreadable.errors.push_back(fmt::format("{}:0: cannot read", path));
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    files.emplace_back(path, text.str());
  }
  if (!unreadable.errors.empty()) return unreadable;
  return merge_sweep_texts(files);
}

}  // namespace synsim::sweep
