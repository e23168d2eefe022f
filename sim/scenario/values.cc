#include "sim/scenario/values.h"

#include <fmt/format.h>

#include <limits>

#include "sim/scenario/load.h"

namespace synsim::scenario {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Sets *error and returns nullopt: the shape of every failure below.
template <typename T>
std::optional<T> fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits with single `_` between them, accumulated with an overflow check.
// Returns nullopt for anything else; *overflow is set when the digits are
// well formed but the value exceeds `limit`.
std::optional<std::uint64_t> parse_digits(std::string_view s, std::uint64_t limit, bool* overflow) {
  *overflow = false;
  if (s.empty() || !is_digit(s.front()) || !is_digit(s.back())) return std::nullopt;
  std::uint64_t v = 0;
  char previous = '0';
  for (char c : s) {
    if (c == '_') {
      if (previous == '_') return std::nullopt;
    } else if (is_digit(c)) {
      const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
      if (v > (limit - d) / 10) {
        *overflow = true;
      } else {
        v = v * 10 + d;
      }
    } else {
      return std::nullopt;
    }
    previous = c;
  }
  if (*overflow) return std::nullopt;
  return v;
}

constexpr std::string_view kDurationExamples = "e.g. 10s, 200ms, 15us, 7ns, 1.5s or 0";

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, std::string* error) {
  using R = Duration;
  if (text.empty()) return fail<R>(error, fmt::format("empty duration (expected {})", kDurationExamples));
  if (text == "0") return Duration{0};
  if (text.front() == '-') return fail<R>(error, fmt::format("duration must not be negative: '{}'", text));

  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view whole = text.substr(0, i);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(start, i - start);
  }
  // "1.s" and ".5s": a point needs digits on both sides.
  if (whole.empty() || (i > 0 && text[i - 1] == '.')) {
    return fail<R>(error, fmt::format("not a duration: '{}' (expected {})", text, kDurationExamples));
  }
  const std::string_view unit = text.substr(i);
  if (unit.empty()) return fail<R>(error, fmt::format("duration needs a unit (ns, us, ms, s): '{}'", text));
  if (unit.front() == ' ' || unit.front() == '\t') {
    return fail<R>(error, fmt::format("no space allowed between a duration and its unit: '{}'", text));
  }

  int exponent = 0;  // unit = 10^exponent ns
  if (unit == "ns") {
    exponent = 0;
  } else if (unit == "us") {
    exponent = 3;
  } else if (unit == "ms") {
    exponent = 6;
  } else if (unit == "s") {
    exponent = 9;
  } else {
    return fail<R>(error, fmt::format("unknown duration unit '{}' in '{}' (expected ns, us, ms or s)", unit, text));
  }
  std::int64_t scale = 1;
  for (int e = 0; e < exponent; ++e) scale *= 10;

  const auto too_long = [&] {
    return fail<R>(error, fmt::format("duration longer than 10 years: '{}'", text));
  };
  bool overflow = false;
  const std::optional<std::uint64_t> units =
      parse_digits(whole, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), &overflow);
  if (!units) return too_long();  // digits only here, so the only failure is size
  if (*units > static_cast<std::uint64_t>(kMaxDuration.count() / scale)) return too_long();
  std::int64_t total = static_cast<std::int64_t>(*units) * scale;

  // Fraction digits by string, never via double: "1.5s" is exactly 1500000000ns.
  std::int64_t place = scale;
  for (char c : fraction) {
    place /= 10;
    if (place == 0) {
      if (c != '0') return fail<R>(error, fmt::format("duration is finer than 1ns: '{}'", text));
      continue;
    }
    total += (c - '0') * place;
  }
  if (total > kMaxDuration.count()) return too_long();
  return Duration{total};
}

std::optional<std::int64_t> parse_integer(std::string_view text, std::string* error) {
  using R = std::int64_t;
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63
                                       : static_cast<std::uint64_t>(std::numeric_limits<R>::max());
  bool overflow = false;
  const std::optional<std::uint64_t> magnitude = parse_digits(digits, limit, &overflow);
  if (overflow) return fail<R>(error, fmt::format("integer out of range: '{}'", text));
  if (!magnitude) return fail<R>(error, fmt::format("expected an integer, got '{}'", text));
  if (negative) return static_cast<R>(0 - *magnitude);  // two's complement, exact for -2^63
  return static_cast<R>(*magnitude);
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::string* error) {
  using R = std::uint64_t;
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  bool overflow = false;
  const std::optional<std::uint64_t> v =
      parse_digits(digits, std::numeric_limits<std::uint64_t>::max(), &overflow);
  if (overflow) return fail<R>(error, fmt::format("integer out of range: '{}'", text));
  if (!v) return fail<R>(error, fmt::format("expected a non-negative integer, got '{}'", text));
  return v;
}

std::optional<std::uint64_t> parse_rate(std::string_view text, std::string* error) {
  using R = std::uint64_t;
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail<R>(error, fmt::format("rate needs a unit (N/s): '{}'", text));
  }
  const std::string_view number = trim(text.substr(0, slash));
  const std::string_view unit = trim(text.substr(slash + 1));
  if (unit != "s") return fail<R>(error, fmt::format("rate must be per second (N/s): '{}'", text));
  std::string ignored;
  const std::optional<std::uint64_t> n = parse_unsigned(number, &ignored);
  if (!n) return fail<R>(error, fmt::format("expected a rate such as 30000/s, got '{}'", text));
  if (*n < 1 || *n > 1'000'000'000) {
    return fail<R>(error, fmt::format("rate must be in [1, 1000000000]/s, got '{}'", text));
  }
  return n;
}

std::optional<TimeWithTolerance> parse_time_with_tolerance(std::string_view text,
                                                           std::string* error) {
  using R = TimeWithTolerance;
  constexpr std::string_view kPlusMinus = "\xC2\xB1";  // U+00B1 in UTF-8
  std::size_t sep = text.find(kPlusMinus);
  std::size_t sep_len = kPlusMinus.size();
  if (sep == std::string_view::npos) {
    sep = text.find("+-");
    sep_len = 2;
  }
  const std::string_view value_text = trim(text.substr(0, sep));
  TimeWithTolerance out;
  std::string e;
  const std::optional<Duration> value = parse_duration(value_text, &e);
  if (!value) return fail<R>(error, fmt::format("{} (expected a time such as 5.1s ±300ms)", e));
  out.value = *value;
  if (sep != std::string_view::npos) {
    const std::string_view tol_text = trim(text.substr(sep + sep_len));
    if (tol_text.empty()) {
      return fail<R>(error, fmt::format("tolerance missing after '±' in '{}' (expected e.g. 5.1s ±300ms)", text));
    }
    const std::optional<Duration> tol = parse_duration(tol_text, &e);
    if (!tol) return fail<R>(error, fmt::format("tolerance: {}", e));
    out.tolerance = *tol;
  }
  return out;
}

std::optional<ListenAddress> parse_listen(std::string_view text, std::string* error) {
  using R = ListenAddress;
  const auto bad = [&] {
    return fail<R>(error, fmt::format("expected ADDR:PORT such as 127.0.0.1:9100, got '{}'", text));
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad();
  const std::string_view address = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  // Dotted quad: four decimal octets 0..255.
  int octets[4] = {0, 0, 0, 0};
  std::size_t pos = 0;
  for (int k = 0; k < 4; ++k) {
    const std::size_t start = pos;
    int v = 0;
    while (pos < address.size() && is_digit(address[pos]) && pos - start < 3) {
      v = v * 10 + (address[pos] - '0');
      ++pos;
    }
    if (pos == start || v > 255) return bad();
    octets[k] = v;
    if (k < 3) {
      if (pos >= address.size() || address[pos] != '.') return bad();
      ++pos;
    }
  }
  if (pos != address.size()) return bad();
  if (octets[0] != 127) {
    return fail<R>(error, fmt::format("listen address must be a loopback address (127.x.x.x), got '{}'", address));
  }
  bool overflow = false;
  const std::optional<std::uint64_t> port = parse_digits(port_text, 65535, &overflow);
  if (overflow || (port && *port == 0)) {
    return fail<R>(error, fmt::format("port must be in [1, 65535], got '{}'", port_text));
  }
  if (!port || port_text.find('_') != std::string_view::npos) return bad();
  return ListenAddress{std::string(address), static_cast<std::uint16_t>(*port)};
}

std::optional<ConnectionName> parse_connection_name(std::string_view text, std::string* error) {
  using R = ConnectionName;
  const std::size_t hash = text.find('#');
  const auto bad = [&] {
    return fail<R>(error, fmt::format("expected a connection name GROUP#INDEX such as x#0, got '{}'", text));
  };
  if (hash == std::string_view::npos) return bad();
  const std::string_view group = text.substr(0, hash);
  const std::string_view index_text = text.substr(hash + 1);
  if (!is_valid_name(group) || index_text.empty()) return bad();
  for (char c : index_text) {
    if (!is_digit(c)) return bad();
  }
  bool overflow = false;
  const std::optional<std::uint64_t> index = parse_digits(index_text, 0xFFFF'FFFFu, &overflow);
  if (!index) return bad();
  return ConnectionName{std::string(group), static_cast<std::uint32_t>(*index)};
}

bool is_valid_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_counter_name(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("Tcp")) {
    rest = text.substr(3);  // also covers TcpExt*
  } else if (text.starts_with("Ip")) {
    rest = text.substr(2);  // also covers IpExt*
  } else {
    return false;
  }
  if (rest.empty()) return false;
  for (char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c);
    if (!ok) return false;
  }
  return true;
}

}  // namespace synsim::scenario
