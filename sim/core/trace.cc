#include "sim/core/trace.h"


namespace synsim {

void Trace::record(Time when, std::string_view what) {
  if (keep_last_ == 0) return;
  if (last_.size() == keep_last_) last_.pop_front();
  last_.emplace_back(when, std::string(what));
}

std::string Trace::last_events() const {
  std::string out;
  for (const auto& [when, what] : last_) {
    out += "  ";
    out += format_seconds(when);
    out += ' ';
    out += what;
    out += '\n';
  }
  return out;
}

}  // namespace synsim
