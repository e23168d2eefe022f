// Sequence-number order. Sequence numbers wrap at 2^32, so "earlier" is
// decided modulo 2^32 (RFC 9293 section 3.4): seq1 is before seq2 when the
// signed 32-bit difference seq1 - seq2 is negative. The one definition that
// the model (sim/tcp), the kernel runner and the report all use.
#pragma once

#include <cstdint>

namespace synsim::seq {

// Linux: before(), include/net/tcp.h
constexpr bool before(std::uint32_t seq1, std::uint32_t seq2) { return static_cast<std::int32_t>(seq1 - seq2) < 0; }

// Linux: after(seq2, seq1) is before(seq1, seq2), include/net/tcp.h
constexpr bool after(std::uint32_t seq2, std::uint32_t seq1) { return before(seq1, seq2); }

}  // namespace synsim::seq
