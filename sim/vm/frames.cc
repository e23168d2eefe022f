#include "sim/vm/frames.h"

#include <charconv>

namespace synsim::vm {

Frames read_frames(std::string_view bytes) {
  Frames f;
  constexpr std::string_view kFile = "SYNSIM-FILE ";
  constexpr std::string_view kEnd = "SYNSIM-END\n";
  std::size_t at = 0;
  // Each pass takes one frame; a frame is at least its header's bytes.
  while (at < bytes.size()) {
    if (bytes.substr(at, kEnd.size()) == kEnd) {
      f.complete = true;
      return f;
    }
    const std::size_t eol = bytes.find('\n', at);
    if (bytes.substr(at, kFile.size()) != kFile || eol == std::string_view::npos) {
      f.error = "byte " + std::to_string(at) + ": not a frame header";
      return f;
    }
    const std::string_view header = bytes.substr(at + kFile.size(), eol - at - kFile.size());
    const std::size_t space = header.rfind(' ');
    std::size_t size = 0;
    if (space == std::string_view::npos ||
        std::from_chars(header.data() + space + 1, header.data() + header.size(), size).ec != std::errc()) {
      f.error = "byte " + std::to_string(at) + ": a frame header without a size";
      return f;
    }
    const std::string name(header.substr(0, space));
    if (eol + 1 + size > bytes.size()) {
      f.error = name + ": " + std::to_string(bytes.size() - eol - 1) + " of " + std::to_string(size) + " bytes";
      return f;
    }
    f.files[name] = std::string(bytes.substr(eol + 1, size));
    at = eol + 1 + size;
  }
  return f;
}

}  // namespace synsim::vm
