// Socket errors under their errno names ("ECONNRESET"), as the outcome
// records them, for both loaders (an errno, or an Asio error_code).
// Internal to sim/kernel.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include <boost/system/error_code.hpp>

#include "sim/outcome/outcome.h"
#include "sim/outcome/reason.h"

namespace synsim::kernel {

inline const char* errno_name(int e) {
  switch (e) {
    case ECONNRESET: return "ECONNRESET";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case ECONNABORTED: return "ECONNABORTED";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: return nullptr;
  }
}

// An errno from a plain socket call (plain_loader.cc), named as above.
inline std::string socket_error_name(int e) {
  if (const char* n = errno_name(e)) return n;
  return std::strerror(e);
}

inline outcome::Reason socket_error_reason(int e) {
  outcome::Reason r;
  r.a = static_cast<std::uint32_t>(e);
  r.text = socket_error_name(e);
  return r;
}

// What a socket error ends a connection as: the one rule for both loaders.
inline outcome::ConnectionOutcome socket_error_outcome(int e) {
  if (e == ETIMEDOUT) return outcome::ConnectionOutcome::timed_out;
  if (e == ECONNREFUSED) return outcome::ConnectionOutcome::refused;
  return outcome::ConnectionOutcome::reset;
}

inline bool is_system_error(const boost::system::error_code& ec, int e) {
  return ec.category() == boost::system::system_category() && ec.value() == e;
}

inline std::string socket_error_name(const boost::system::error_code& ec) {
  if (ec.category() == boost::system::system_category()) return socket_error_name(ec.value());
  return ec.message();
}

// A non-system error (Asio's own) ends a connection as a reset.
inline outcome::ConnectionOutcome socket_error_outcome(const boost::system::error_code& ec) {
  return ec.category() == boost::system::system_category() ? socket_error_outcome(ec.value())
                                                           : outcome::ConnectionOutcome::reset;
}

// The figures of a socket error's reason (its kind is the caller's): the
// error's name, and its errno when it is a system error (0 otherwise).
inline outcome::Reason socket_error_reason(const boost::system::error_code& ec) {
  outcome::Reason r;
  r.a = ec.category() == boost::system::system_category() ? static_cast<std::uint32_t>(ec.value()) : 0;
  r.text = socket_error_name(ec);
  return r;
}

}  // namespace synsim::kernel
