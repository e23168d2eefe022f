// Socket errors under their errno names ("ECONNRESET"), as the outcome
// records them. Internal to sim/kernel.
#pragma once

#include <cerrno>
#include <string>

#include <boost/system/error_code.hpp>

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

}  // namespace synsim::kernel
