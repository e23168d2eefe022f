// Connection classes: what "the same connections" means when a scenario
// derived from a capture (derive.h) is played again, or when a remedy is
// judged: each connection's typed reasons, as a capture shows them
// (story.h), reduced to the one that matters most to its user.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "sim/outcome/outcome.h"

namespace synsim::capture {

// What happened to a connection, most serious first when several did.
enum class ConnectionClass : std::uint8_t {
  request_expired,    // capture_request_expired
  reset_on_overflow,  // capture_abort_on_overflow
  final_ack_dropped,  // capture_final_ack_dropped: the request kept acked, the data waited
  syncookie_ignored,  // capture_syncookie: a cookie's ACK ignored on a full accept queue
  syn_dropped,        // capture_syn_dropped: connect() waited for a SYN retransmission
  data_retransmitted, // the request retransmitted for another reason
  failed,             // not completed: reset, refused, timed out or open at the end, none of the above
  clean,              // none of these
};
inline constexpr std::size_t kConnectionClasses = 8;
const char* to_string(ConnectionClass c);

ConnectionClass classify(const outcome::ConnectionRecord& r);
// How many connections of an explained capture are of each class.
std::array<std::uint64_t, kConnectionClasses> class_counts(const outcome::Outcome& explained);

}  // namespace synsim::capture
