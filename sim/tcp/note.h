// The stack's reason for something it did, as handed to StackObserver.
//
// Most reasons are fixed sentences (string literals) or are formatted where
// they happen (rare paths: drops, timeouts). The two every connection
// produces under load, the request queued on the child and the child
// created, keep their figures and are put into words only when a timeline
// or an explanation shows them: a run of millions of connections would
// otherwise format and free millions of strings nobody reads.
#pragma once

#include <cstdint>
#include <string>

namespace synsim::tcp {

enum class NoteKind : std::uint8_t {
  none,            // no reason given
  text,            // `text`: a string literal
  formatted,       // `formatted`: a string valid for the duration of the call only
  request_queued,  // "{a} request bytes queued on the server socket[ (not accepted yet)]"  (flag: accepted)
  child_created,   // "{text} creates the child: accept queue {a}/{b}[, request was acked][, after {c} SYN-ACK
                   //  retransmissions] (tcp_check_req -> inet_csk_complete_hashdance)"  (flag: was acked)
};

struct Note {
  NoteKind kind = NoteKind::none;
  bool flag = false;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t c = 0;
  const char* text = nullptr;
  const std::string* formatted = nullptr;

  Note() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): a literal is a note
  Note(const char* literal) : kind(*literal ? NoteKind::text : NoteKind::none), text(literal) {}
  // NOLINTNEXTLINE(google-explicit-constructor): so is a formatted string, for the call
  Note(const std::string& s) : kind(s.empty() ? NoteKind::none : NoteKind::formatted), formatted(&s) {}

  bool empty() const { return kind == NoteKind::none; }
  // The note in words, as timelines and explanations print it.
  std::string str() const;
};

}  // namespace synsim::tcp
