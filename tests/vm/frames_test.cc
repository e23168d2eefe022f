// The guest's results over the serial port.
#include "sim/vm/frames.h"

#include <gtest/gtest.h>

namespace synsim::vm {
namespace {

TEST(Frames, FilesComeBackByteForByteIncludingNewlinesAndFrameLookalikes) {
  const std::string body = "{\n\"a\": 1}\nSYNSIM-END\n";
  const Frames f = read_frames("SYNSIM-FILE outcome-1.json " + std::to_string(body.size()) + "\n" + body +
                               "SYNSIM-FILE rc-1 2\n0\nSYNSIM-END\n");
  EXPECT_TRUE(f.complete);
  EXPECT_EQ(f.error, "");
  EXPECT_EQ(f.files.at("outcome-1.json"), body);
  EXPECT_EQ(f.files.at("rc-1"), "0\n");
}

TEST(Frames, AShortLastFrameIsAnErrorAndTheRunIsIncomplete) {
  const Frames f = read_frames("SYNSIM-FILE rc-1 2\n0\nSYNSIM-FILE outcome-1.json 100\n{\"a\"");
  EXPECT_FALSE(f.complete);
  EXPECT_EQ(f.files.count("outcome-1.json"), 0U);
  EXPECT_EQ(f.files.at("rc-1"), "0\n");
  EXPECT_EQ(f.error, "outcome-1.json: 4 of 100 bytes");
}

TEST(Frames, NoiseBeforeAFrameIsNotTakenForOne) {
  const Frames f = read_frames("garbage\nSYNSIM-END\n");
  EXPECT_FALSE(f.complete);
  EXPECT_EQ(f.error, "byte 0: not a frame header");
}

}  // namespace
}  // namespace synsim::vm
