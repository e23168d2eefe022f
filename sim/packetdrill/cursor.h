// The parser's position in a script's text, with line and column, and the
// one way it fails (Failure, caught by parse_script and turned into a
// ParseError). Internal to sim/packetdrill.
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/packetdrill/script.h"

namespace synsim::packetdrill::detail {

struct Failure {
  Where where;
  std::string what;
};

// A failure in another file than the script (the defaults.sh it runs).
struct FailureIn {
  std::string file;
  Where where;
  std::string what;
};

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool starts_with(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  Where where() const { return {line_, col_}; }
  std::size_t pos() const { return pos_; }
  std::string_view text() const { return text_; }

  char take() {
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    return c;
  }
  void take(std::size_t n) {
    for (std::size_t i = 0; i < n && !done(); ++i) take();
  }

  [[noreturn]] void fail(std::string what) const { throw Failure{where(), std::move(what)}; }
  [[noreturn]] static void fail_at(Where w, std::string what) { throw Failure{w, std::move(what)}; }

  // Spaces, tabs and comments (// to the end of the line, /* ... */);
  // newlines too when `lines`.
  void skip_blank(bool lines) {
    while (!done()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || (lines && c == '\n')) {
        take();
      } else if (starts_with("//")) {
        while (!done() && peek() != '\n') take();
      } else if (starts_with("/*")) {
        const Where open = where();
        take(2);
        while (!done() && !starts_with("*/")) take();
        if (done()) fail_at(open, "unterminated comment: /* has no */ before the end of the file");
        take(2);
      } else {
        return;
      }
    }
  }

  // The rest of the line must be blank (or a comment).
  void expect_line_end(std::string_view after) {
    skip_blank(false);
    if (!done() && peek() != '\n') fail("unexpected " + found() + " after " + std::string(after));
  }

  // The next run of non-blank characters, for messages.
  std::string token_text() const {
    std::size_t end = pos_;
    while (end < text_.size() && end - pos_ < 24 && !std::isspace(static_cast<unsigned char>(text_[end]))) ++end;
    return std::string(text_.substr(pos_, end - pos_));
  }
  // What is here, for "found ...": the next word quoted, or the end of the line or file.
  std::string found() const {
    std::size_t at = pos_;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t' || text_[at] == '\r')) ++at;
    if (at >= text_.size()) return "the end of the file";
    if (text_[at] == '\n') return "the end of the line";
    std::size_t end = at;
    while (end < text_.size() && end - at < 24 && !std::isspace(static_cast<unsigned char>(text_[end]))) ++end;
    return "'" + std::string(text_.substr(at, end - at)) + "'";
  }

  // [A-Za-z_][A-Za-z0-9_]*, or empty.
  std::string identifier() {
    std::string s;
    if (!std::isalpha(static_cast<unsigned char>(peek())) && peek() != '_') return s;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') s += take();
    return s;
  }

  // An unsigned decimal (or 0x hex) integer that fits `max`.
  std::uint64_t unsigned_number(std::string_view what, std::uint64_t max) {
    const Where at = where();
    std::uint64_t v = 0;
    int base = 10;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      base = 16;
      take(2);
    }
    std::size_t digits = 0;
    for (;; ++digits) {
      const char c = peek();
      int d = -1;
      if (std::isdigit(static_cast<unsigned char>(c))) d = c - '0';
      if (base == 16 && std::isxdigit(static_cast<unsigned char>(c)) && d < 0) d = std::tolower(c) - 'a' + 10;
      if (d < 0) break;
      if (v > (max - static_cast<std::uint64_t>(d)) / static_cast<std::uint64_t>(base)) {
        fail_at(at, std::string(what) + " is too large (at most " + std::to_string(max) + ")");
      }
      v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
      take();
    }
    if (digits == 0) fail("expected " + std::string(what) + ", found " + found());
    return v;
  }

  void expect(char c, std::string_view context) {
    if (peek() != c) {
      fail(std::string("expected '") + c + "' " + std::string(context) + ", found " + found());
    }
    take();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t col_ = 1;
};

}  // namespace synsim::packetdrill::detail
