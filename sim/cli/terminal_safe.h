// Nothing synsim says on stderr can drive the terminal: every byte a
// terminal could act on is written as \xNN instead. Error messages quote
// what the user gave (a file name, an option's value, a line of a binary
// file taken for a scenario), and a raw ESC or CSI byte in that quote would
// recolour, move or retitle the user's terminal, or hide the message.
//
// Escaped: C0 control bytes other than newline and tab, DEL, C1 controls
// (U+0080..U+009F, which some terminals obey), and every byte that is not
// part of well-formed UTF-8 (a lone 0x9b is CSI to an 8-bit terminal).
// Well-formed UTF-8 text passes unchanged.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace synsim::cli {

// A stream buffer that writes to `out` what it is given, escaped as above.
// A multi-byte character split between two writes is held until it
// completes (or escaped, if it never does).
class TerminalSafeBuf : public std::streambuf {
 public:
  explicit TerminalSafeBuf(std::streambuf* out) : out_(out) {}
  ~TerminalSafeBuf() override;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void put(unsigned char c);
  void escape_pending();
  std::streambuf* out_;
  std::string pending_;       // the start of a multi-byte UTF-8 character
  std::size_t expected_ = 0;  // the length that character will have
};

// For the lifetime of this object std::cerr escapes what it is given
// (main() holds one); the stream it wrapped is restored at the end.
class TerminalSafeStderr {
 public:
  TerminalSafeStderr();
  ~TerminalSafeStderr();
  TerminalSafeStderr(const TerminalSafeStderr&) = delete;
  TerminalSafeStderr& operator=(const TerminalSafeStderr&) = delete;

 private:
  std::streambuf* original_;
  TerminalSafeBuf safe_;
};

// stderr without the escaping, for synsim's own control sequences (the
// progress bar's carriage return and erase-line); never for quoted input.
std::ostream& raw_stderr();

}  // namespace synsim::cli
