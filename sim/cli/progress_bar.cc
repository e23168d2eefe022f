#include "sim/cli/progress_bar.h"

#include "sim/cli/terminal_safe.h"

#include <fmt/format.h>

#include <iostream>
#include <string>

namespace synsim::cli {

ProgressBar::ProgressBar(bool enabled, bool clear_before_stdout)
    : enabled_(enabled), clear_before_stdout_(clear_before_stdout), start_(Clock::now()) {}

void ProgressBar::before_stdout_line() {
  // Its own control sequences: past the escaping std::cerr does (terminal_safe.h).
  if (enabled_ && clear_before_stdout_ && drawn_) raw_stderr() << "\r\033[K" << std::flush;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (done != total && drawn_ && now - last_ < std::chrono::milliseconds(100) && !clear_before_stdout_) return;
  last_ = now;
  draw(done, total, now);
}

void ProgressBar::finish(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  draw(done, total, Clock::now());
  raw_stderr() << '\n' << std::flush;
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total, Clock::time_point now) {
  constexpr std::uint64_t kWidth = 30;
  const std::uint64_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::string bar(filled, '=');
  if (filled < kWidth) bar += '>';
  bar.resize(kWidth, ' ');
  const double seconds = std::chrono::duration<double>(now - start_).count();
  raw_stderr() << fmt::format("\r[{}] {}/{} runs, {:.1f} s", bar, done, total, seconds) << "\033[K" << std::flush;
  drawn_ = true;
}

}  // namespace synsim::cli
