#include "sim/core/time.h"

#include <cstdio>
#include <cstdlib>

namespace synsim {

std::string format_seconds(Duration d) {
  std::int64_t v = d.count();
  const char* sign = v < 0 ? "-" : "";
  std::uint64_t a = v < 0 ? -static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::uint64_t micros = a / 1000;  // truncate like tcpdump's microsecond stamps
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", sign,
                static_cast<unsigned long long>(micros / 1000000),
                static_cast<unsigned long long>(micros % 1000000));
  return buf;
}

std::string format_seconds(Time t) { return format_seconds(t.time_since_epoch()); }

std::string format_duration(Duration d) {
  std::int64_t v = d.count();
  // |v| in unsigned arithmetic: -INT64_MIN does not fit an int64.
  const std::uint64_t a = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  char buf[48];
  if (a == 0) return "0s";
  if (a % 1000000000 == 0) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(v / 1000000000));
  } else if (a >= 1000000000) {
    std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(v) / 1e9);
  } else if (a % 1000000 == 0) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(v / 1000000));
  } else if (a >= 1000000) {
    std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(v) / 1e6);
  } else if (a % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lldus", static_cast<long long>(v / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(v));
  }
  return buf;
}

}  // namespace synsim
