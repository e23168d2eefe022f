// Virtual time for the model: integer nanoseconds on a clock of its own.
//
// The model never reads a real clock (style.md rule 2). Time is a
// std::chrono time_point on SimClock so that virtual and real instants can
// never be mixed by accident, and conversion to seconds happens only when
// printing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace synsim {

// The simulation clock: virtual, starts at 0 when a run starts.
struct SimClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<SimClock>;
  static constexpr bool is_steady = true;
};

using Duration = SimClock::duration;   // signed integer nanoseconds
using Time = SimClock::time_point;     // instant since the run's start

constexpr Time kTimeZero{};
constexpr Time kTimeMax{Duration{INT64_MAX}};

constexpr Duration ns(std::int64_t v) { return Duration{v}; }
constexpr Duration us(std::int64_t v) { return Duration{v * 1000}; }
constexpr Duration ms(std::int64_t v) { return Duration{v * 1000 * 1000}; }
constexpr Duration sec(std::int64_t v) { return Duration{v * 1000 * 1000 * 1000}; }

constexpr std::int64_t to_ns(Duration d) { return d.count(); }
constexpr std::int64_t to_ns(Time t) { return t.time_since_epoch().count(); }
constexpr Time at_ns(std::int64_t v) { return Time{Duration{v}}; }

// "12.345678" seconds with microsecond precision, as `tcpdump -tt` prints.
std::string format_seconds(Time t);
std::string format_seconds(Duration d);
// A duration in the unit a person reads most easily: "204ms", "1.024s", "37us".
std::string format_duration(Duration d);

}  // namespace synsim
