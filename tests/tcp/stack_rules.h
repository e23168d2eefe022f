// A profile with one rule switch flipped, for the tests that run the same
// script on both sides of a rule (stack_rules_*_test.cc).
#pragma once

#include <string_view>

#include "sim/profile/profile.h"
#include "tests/tcp/stack_harness.h"

namespace synsim::tcp::testing {

// Profile `base` with `rule` set to `value` (the read note says so).
template <typename E>
profile::Profile flipped(std::string_view base, profile::Switch<E> profile::Rules::*rule, E value) {
  profile::Profile p = *profile::find_profile(base);
  p.name = "flipped";
  p.rules.*rule = profile::Switch<E>{value, "flipped by the test"};
  return p;
}

}  // namespace synsim::tcp::testing
