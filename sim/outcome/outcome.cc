#include "sim/outcome/outcome.h"

namespace synsim::outcome {

const char* to_string(ConnectionOutcome o) {
  switch (o) {
    case ConnectionOutcome::completed: return "completed";
    case ConnectionOutcome::reset: return "reset";
    case ConnectionOutcome::timed_out: return "timed_out";
    case ConnectionOutcome::refused: return "refused";
    case ConnectionOutcome::open_at_end: return "open_at_end";
  }
  return "?";
}

}  // namespace synsim::outcome
