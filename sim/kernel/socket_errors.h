// Socket errors under their errno names ("ECONNRESET"), as the outcome
// records them. Internal to sim/kernel.
#pragma once

#include <cerrno>
#include <string>

#include <boost/system/error_code.hpp>

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

inline bool is_system_error(const boost::system::error_code& ec, int e) {
  return ec.category() == boost::system::system_category() && ec.value() == e;
}

inline std::string socket_error_name(const boost::system::error_code& ec) {
  if (ec.category() == boost::system::system_category()) {
    if (const char* n = errno_name(ec.value())) return n;
  }
  return ec.message();
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
