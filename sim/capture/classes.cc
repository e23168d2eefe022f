#include "sim/capture/classes.h"

#include <algorithm>

namespace synsim::capture {

namespace {

bool has(const outcome::ConnectionRecord& r, outcome::ReasonKind k) {
  return std::any_of(r.explanation.begin(), r.explanation.end(),
                     [&](const outcome::ExplanationStep& s) { return s.reason.kind == k; });
}

}  // namespace

using outcome::ConnectionRecord;
using outcome::ReasonKind;

const char* to_string(ConnectionClass c) {
  switch (c) {
    case ConnectionClass::request_expired: return "request_expired";
    case ConnectionClass::reset_on_overflow: return "reset_on_overflow";
    case ConnectionClass::final_ack_dropped: return "final_ack_dropped";
    case ConnectionClass::syncookie_ignored: return "syncookie_ignored";
    case ConnectionClass::syn_dropped: return "syn_dropped";
    case ConnectionClass::data_retransmitted: return "data_retransmitted";
    case ConnectionClass::failed: return "failed";
    case ConnectionClass::clean: return "clean";
  }
  return "?";
}

ConnectionClass classify(const ConnectionRecord& r) {
  if (has(r, ReasonKind::capture_request_expired)) return ConnectionClass::request_expired;
  if (has(r, ReasonKind::capture_abort_on_overflow)) return ConnectionClass::reset_on_overflow;
  if (has(r, ReasonKind::capture_final_ack_dropped)) return ConnectionClass::final_ack_dropped;
  if (has(r, ReasonKind::capture_syncookie)) return ConnectionClass::syncookie_ignored;
  if (has(r, ReasonKind::capture_syn_dropped) || r.syn_retransmits > 0) return ConnectionClass::syn_dropped;
  if (r.data_retransmits > 0) return ConnectionClass::data_retransmitted;
  if (r.outcome != outcome::ConnectionOutcome::completed) return ConnectionClass::failed;
  return ConnectionClass::clean;
}

std::array<std::uint64_t, kConnectionClasses> class_counts(const outcome::Outcome& explained) {
  std::array<std::uint64_t, kConnectionClasses> n{};
  for (const ConnectionRecord& r : explained.connections) ++n[static_cast<std::size_t>(classify(r))];
  return n;
}

}  // namespace synsim::capture
