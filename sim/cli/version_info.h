// What `synsim --version` prints: the project's version and the git
// revision the binary was built from, both filled in by CMake when synsim
// is built (version_info.cmake writes their definitions).
#pragma once

#include <string>

namespace synsim::cli {

const char* synsim_version();   // "0.1.0" (project() in CMakeLists.txt)
const char* synsim_revision();  // "git 1a2b3c4d5e6f", "git 1a2b3c4d5e6f, modified" or "unknown revision"

// "synsim 0.1.0 (git 1a2b3c4d5e6f)"
inline std::string version_text() {
  return std::string("synsim ") + synsim_version() + " (" + synsim_revision() + ")";
}

}  // namespace synsim::cli
