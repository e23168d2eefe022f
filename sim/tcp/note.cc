#include "sim/tcp/note.h"

#include <fmt/format.h>

namespace synsim::tcp {

std::string Note::str() const {
  switch (kind) {
    case NoteKind::none: return {};
    case NoteKind::text: return text;
    case NoteKind::formatted: return *formatted;
    case NoteKind::request_queued:
      return fmt::format("{} request bytes queued on the server socket{}", a, flag ? "" : " (not accepted yet)");
    case NoteKind::child_created:
      return fmt::format("{} creates the child: accept queue {}/{}{}{} (tcp_check_req -> inet_csk_complete_hashdance)",
                         text, a, b, flag ? ", request was acked" : "",
                         c ? fmt::format(", after {} SYN-ACK retransmissions", c) : "");
  }
  return {};
}

}  // namespace synsim::tcp
