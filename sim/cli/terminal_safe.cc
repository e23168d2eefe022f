#include "sim/cli/terminal_safe.h"

#include <fmt/format.h>

#include <iostream>

#include "sim/core/utf8.h"

namespace synsim::cli {

namespace {

// The stream under std::cerr while a TerminalSafeStderr holds it.
std::streambuf* g_raw_stderr = nullptr;

// C0 controls but newline and tab (a carriage return in a quoted file name
// would let the rest of the line overwrite the message), and DEL.
bool is_control(unsigned char c) { return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F; }

std::string escaped(unsigned char c) { return fmt::format("\\x{:02x}", c); }

}  // namespace

TerminalSafeBuf::~TerminalSafeBuf() { escape_pending(); }

void TerminalSafeBuf::escape_pending() {
  for (const char p : pending_) {
    const std::string e = escaped(static_cast<unsigned char>(p));
    out_->sputn(e.data(), static_cast<std::streamsize>(e.size()));
  }
  pending_.clear();
  expected_ = 0;
}

void TerminalSafeBuf::put(unsigned char c) {
  if (!pending_.empty()) {
    if (utf8::continues(pending_, c)) {
      pending_.push_back(static_cast<char>(c));
      if (pending_.size() < expected_) return;
      // U+0080..U+009F, the C1 controls: C2 80 .. C2 9F.
      const bool c1 = static_cast<unsigned char>(pending_[0]) == 0xC2 && c <= 0x9F;
      if (c1) {
        escape_pending();
      } else {
        out_->sputn(pending_.data(), static_cast<std::streamsize>(pending_.size()));
        pending_.clear();
      }
      return;
    }
    escape_pending();  // a broken character; `c` starts afresh
  }
  if (c >= 0x80) {
    expected_ = utf8::sequence_length(c);
    if (expected_ != 0) {
      pending_.push_back(static_cast<char>(c));
      return;
    }
  }
  if (c >= 0x80 || is_control(c)) {
    const std::string e = escaped(c);
    out_->sputn(e.data(), static_cast<std::streamsize>(e.size()));
    return;
  }
  out_->sputc(static_cast<char>(c));
}

TerminalSafeBuf::int_type TerminalSafeBuf::overflow(int_type c) {
  if (c != traits_type::eof()) put(static_cast<unsigned char>(traits_type::to_char_type(c)));
  return traits_type::not_eof(c);
}

std::streamsize TerminalSafeBuf::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i) put(static_cast<unsigned char>(s[i]));
  return n;
}

int TerminalSafeBuf::sync() { return out_->pubsync(); }

TerminalSafeStderr::TerminalSafeStderr() : original_(std::cerr.rdbuf()), safe_(original_) {
  g_raw_stderr = original_;
  std::cerr.rdbuf(&safe_);
}

TerminalSafeStderr::~TerminalSafeStderr() {
  std::cerr.rdbuf(original_);
  g_raw_stderr = nullptr;
}

std::ostream& raw_stderr() {
  static std::ostream raw(nullptr);
  raw.rdbuf(g_raw_stderr != nullptr ? g_raw_stderr : std::cerr.rdbuf());
  return raw;
}

}  // namespace synsim::cli
