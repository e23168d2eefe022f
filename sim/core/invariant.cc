#include "sim/core/invariant.h"

#include <fmt/format.h>

namespace synsim {

InvariantViolation::InvariantViolation(std::string what, std::uint64_t seed, Time when,
                                       std::string last_events)
    : std::runtime_error(std::move(what)),
      seed_(seed),
      when_(when),
      last_events_(std::move(last_events)) {}

std::string InvariantViolation::report() const {
  return fmt::format("invariant violated: {}\n  seed {}, virtual time {} s\nlast events:\n{}",
                     what(), seed_, format_seconds(when_), last_events_);
}

}  // namespace synsim
