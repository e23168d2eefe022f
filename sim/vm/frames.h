// The guest's results as they come over the serial port: for each file,
// "SYNSIM-FILE NAME SIZE\n" and SIZE bytes, then "SYNSIM-END\n" (written
// by the /init of guest.h with printf, wc -c and cat).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace synsim::vm {

struct Frames {
  std::map<std::string, std::string> files;  // name -> bytes
  bool complete = false;                      // SYNSIM-END seen
  std::string error;                          // a frame that does not parse ("" when none)
};

// Reads the frames in `bytes`; stops at the first that does not parse
// (a guest that died mid-file leaves a short last frame: error set).
Frames read_frames(std::string_view bytes);

}  // namespace synsim::vm
