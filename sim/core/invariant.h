// Broken model invariants: the third kind of failure (style.md rule 8).
//
// Bad input is reported with file:line:col (exit 2); protocol outcomes are
// data. A violated invariant means the model itself is wrong: it throws
// InvariantViolation, which the CLI prints with the seed, the virtual time
// and the last events, and exits 3.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/core/time.h"

namespace synsim {

class InvariantViolation : public std::runtime_error {
 public:
  InvariantViolation(std::string what, std::uint64_t seed, Time when, std::string last_events);

  std::uint64_t seed() const { return seed_; }
  Time when() const { return when_; }
  const std::string& last_events() const { return last_events_; }
  // The whole report: what, seed, virtual time, last events.
  std::string report() const;

 private:
  std::uint64_t seed_;
  Time when_;
  std::string last_events_;
};

}  // namespace synsim
