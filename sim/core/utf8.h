// Well-formed UTF-8 (RFC 3629 section 4), byte by byte: the one definition
// the scenario loader (is this a text file?) and the CLI (is this byte
// safe to show on a terminal?) both use.
#pragma once

#include <cstddef>
#include <string_view>

namespace synsim::utf8 {

// Length of the character `lead` starts (1 for ASCII, 2..4), or 0 when
// `lead` cannot start one (a continuation byte, the overlong leads C0 and
// C1, or a lead beyond U+10FFFF).
constexpr std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Whether `c` may follow `sequence` (a lead byte and the bytes after it so
// far): a continuation byte, and for the second byte within the ranges that
// exclude overlong forms, surrogates and code points above U+10FFFF.
constexpr bool continues(std::string_view sequence, unsigned char c) {
  if (c < 0x80 || c > 0xBF) return false;
  if (sequence.size() != 1) return true;
  switch (static_cast<unsigned char>(sequence[0])) {
    case 0xE0: return c >= 0xA0;
    case 0xED: return c <= 0x9F;
    case 0xF0: return c >= 0x90;
    case 0xF4: return c <= 0x8F;
    default: return true;
  }
}

// Length of the well-formed character at text[pos], or 0 when the bytes
// there are not one (ill-formed or cut short by the end of `text`).
constexpr std::size_t character_at(std::string_view text, std::size_t pos) {
  const std::size_t n = sequence_length(static_cast<unsigned char>(text[pos]));
  if (n == 0 || pos + n > text.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (!continues(text.substr(pos, i), static_cast<unsigned char>(text[pos + i]))) return 0;
  }
  return n;
}

}  // namespace synsim::utf8
