#include "sim/packetdrill/shell.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "sim/packetdrill/cursor.h"

namespace synsim::packetdrill::detail {

namespace {

struct Word {
  std::string text;
  Where where;
};

// A command's words, split at blanks, quotes removed ('...' and "...").
std::vector<Word> words(std::string_view line, Where at) {
  std::vector<Word> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    Word w;
    w.where = {at.line, at.col + static_cast<std::uint32_t>(i)};
    char quote = 0;
    for (; i < line.size(); ++i) {
      const char ch = line[i];
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          w.text += ch;
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == ' ' || ch == '\t') {
        break;
      } else {
        w.text += ch;
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

[[noreturn]] void fail(const std::string& file, const std::string& script_file, Where w, std::string what) {
  if (file == script_file) Cursor::fail_at(w, std::move(what));
  throw FailureIn{file, w, std::move(what)};
}

void sysctl(const std::vector<Word>& ws, const std::string& file, bool after_first_event, Script& script) {
  bool any = false;
  for (std::size_t i = 1; i < ws.size(); ++i) {
    const std::string& t = ws[i].text;
    if (t == "-q" || t == "-w" || t == "-e" || t == "-qw" || t == "-wq") continue;
    if (t.starts_with("-")) {
      script.skipped.push_back({"sysctl " + t + " ...", file, ws[0].where});
      return;
    }
    const std::size_t eq = t.find('=');
    if (eq == std::string::npos || eq == 0) {
      // `sysctl NAME` only reads it.
      script.skipped.push_back({"sysctl " + t, file, ws[i].where});
      continue;
    }
    if (after_first_event) {
      fail(file, script.file, ws[i].where,
           fmt::format("sysctl {} is set after the script's first event: the model's sysctls hold for the whole "
                       "run (set it before the first event)",
                       t.substr(0, eq)));
    }
    std::string name = t.substr(0, eq);
    for (char& ch : name) ch = ch == '/' ? '.' : ch;
    script.sysctls.push_back({name, t.substr(eq + 1), file, ws[i].where});
    any = true;
  }
  if (!any && ws.size() == 1) script.skipped.push_back({"sysctl", file, ws[0].where});
}

// The directory part of `file`, with its slash ("" for none).
std::string dir_of(const std::string& file) {
  const std::size_t slash = file.rfind('/');
  return slash == std::string::npos ? std::string() : file.substr(0, slash + 1);
}

void include(const std::vector<Word>& ws, std::size_t at, const std::string& file, const ReadFile& read,
             bool after_first_event, Script& script, int depth) {
  const Word& w = ws[at];
  if (depth > 2) fail(file, script.file, w.where, "shell scripts run each other too deeply (at most 2 levels)");
  const std::optional<std::string> text = read ? read(w.text) : std::nullopt;
  if (!text) {
    fail(file, script.file, w.where,
         fmt::format("cannot read {} beside the script (its sysctls would be missing)", w.text));
  }
  // Its own file, for its errors; read() resolves names against the script's directory.
  const std::string name = dir_of(script.file) + (w.text.starts_with("./") ? w.text.substr(2) : w.text);
  if (text->find('\0') != std::string::npos) fail(name, script.file, {1, 1}, "binary input: not a shell script");
  shell_lines(*text, name, {1, 1}, read, after_first_event, script, depth + 1);
}

}  // namespace

void shell_lines(std::string_view body, const std::string& file, Where at, const ReadFile& read,
                 bool after_first_event, Script& script, int depth) {
  std::size_t start = 0;
  Where line_at = at;
  while (start <= body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    // A comment ends the line; ';' and '&&' separate commands (each kept whole here).
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::size_t cmd_start = 0;
    while (cmd_start <= line.size()) {
      std::size_t cmd_end = std::min(line.find(';', cmd_start), std::min(line.find("&&", cmd_start),
                                                                          line.find("||", cmd_start)));
      if (cmd_end == std::string_view::npos) cmd_end = line.size();
      const Where cmd_at{line_at.line, line_at.col + static_cast<std::uint32_t>(cmd_start)};
      const std::vector<Word> ws = words(line.substr(cmd_start, cmd_end - cmd_start), cmd_at);
      if (!ws.empty()) {
        const std::string& cmd = ws[0].text;
        if (cmd == "sysctl") {
          sysctl(ws, file, after_first_event, script);
        } else if (cmd.ends_with(".sh") && cmd.find("defaults") != std::string::npos) {
          include(ws, 0, file, read, after_first_event, script, depth);
        } else if ((cmd == "source" || cmd == ".") && ws.size() > 1 && ws[1].text.ends_with(".sh")) {
          include(ws, 1, file, read, after_first_event, script, depth);
        } else {
          std::string text;
          for (const Word& w : ws) text += (text.empty() ? "" : " ") + w.text;
          script.skipped.push_back({text, file, ws[0].where});
        }
      }
      while (cmd_end < line.size() && (line[cmd_end] == ';' || line[cmd_end] == '&' || line[cmd_end] == '|')) ++cmd_end;
      if (cmd_end >= line.size()) break;
      cmd_start = cmd_end;
    }
    if (end >= body.size()) break;
    start = end + 1;
    line_at = {line_at.line + 1, 1};
  }
}

}  // namespace synsim::packetdrill::detail
