#include "sim/cli/progress_bar.h"

#include <unistd.h>

#include <fmt/format.h>

#include <iostream>
#include <string>
#include <utility>

#include "sim/cli/terminal_safe.h"

namespace synsim::cli {

ProgressBar::Style ProgressBar::style_for_stderr() {
  return isatty(STDERR_FILENO) == 1 ? Style::bar : Style::records;
}

ProgressBar::ProgressBar(Style style, bool clear_before_stdout, std::string what,
                         std::chrono::milliseconds record_every, std::ostream* out)
    : style_(style),
      clear_before_stdout_(clear_before_stdout && style == Style::bar),
      what_(std::move(what)),
      record_every_(record_every),
      out_(out),
      start_(Clock::now()),
      last_(start_) {}

// Its own control sequences: past the escaping std::cerr does (terminal_safe.h).
std::ostream& ProgressBar::out() const { return out_ != nullptr ? *out_ : raw_stderr(); }

void ProgressBar::before_stdout_line() {
  if (clear_before_stdout_ && drawn_) out() << "\r\033[K" << std::flush;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  const Clock::time_point now = Clock::now();
  switch (style_) {
    case Style::off: return;
    case Style::bar:
      if (done != total && drawn_ && now - last_ < std::chrono::milliseconds(100) && !clear_before_stdout_) return;
      last_ = now;
      draw(done, total, now);
      return;
    case Style::records:
      if (now - last_ < record_every_) return;
      last_ = now;
      record(done, total, now);
      return;
  }
}

void ProgressBar::finish(std::uint64_t done, std::uint64_t total) {
  switch (style_) {
    case Style::off: return;
    case Style::bar:
      draw(done, total, Clock::now());
      out() << '\n' << std::flush;
      return;
    case Style::records:
      // Quick work printed no record: it needs no last one either, nor
      // work whose last record already says it is done.
      if (drawn_ && done != recorded_done_) record(done, total, Clock::now());
      return;
  }
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total, Clock::time_point now) {
  constexpr std::uint64_t kWidth = 30;
  const std::uint64_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::string bar(filled, '=');
  if (filled < kWidth) bar += '>';
  bar.resize(kWidth, ' ');
  const double seconds = std::chrono::duration<double>(now - start_).count();
  out() << fmt::format("\r[{}] {}/{} {}, {:.1f} s", bar, done, total, what_, seconds) << "\033[K" << std::flush;
  drawn_ = true;
}

void ProgressBar::record(std::uint64_t done, std::uint64_t total, Clock::time_point now) {
  const double seconds = std::chrono::duration<double>(now - start_).count();
  out() << fmt::format("synsim: {}/{} {}, {:.1f} s\n", done, total, what_, seconds) << std::flush;
  drawn_ = true;
  recorded_done_ = done;
}

}  // namespace synsim::cli
