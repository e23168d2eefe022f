// Reasons in words: the one place where an outcome::Reason becomes a
// sentence (style.md 12). Timelines, tables, JSON, HTML, Markdown and
// Perfetto all print these words, so a reason reads the same everywhere and
// a change of wording is one change here (and in its rendering test).
#pragma once

#include <string>
#include <string_view>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// "accept queue full (2/2): final ACK dropped; request kept and marked acked
// (tcp_v4_syn_recv_sock -> listen_overflow)"
std::string reason_text(const outcome::Reason& r);
// The annotation's words, "at T: " first when it happened after its packet.
std::string annotation_text(const outcome::Annotation& a);
// One explanation line: "T words", or the words alone for a conclusion.
std::string step_text(const outcome::ExplanationStep& s);

// The legacy fallback, for outcomes saved by synsim before its JSON carried
// typed reasons (format version 1, words only; sim/report/json.h): the
// words, kept as they are, and the facts the reports draw from reasons
// (drop, duplicate ACK, conclusion) taken from them once, here. The only
// code that reads words, and only those an old file holds; an outcome saved
// since then is read as the typed reasons it holds, never from its words.
outcome::Reason saved_reason(std::string words);

}  // namespace synsim::report
