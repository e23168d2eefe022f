// The initramfs archive: newc headers the kernel's init/initramfs.c reads.
#include "sim/vm/cpio.h"

#include <gtest/gtest.h>

#include <sstream>

namespace synsim::vm {
namespace {

// Field `i` (0: ino, 1: mode, ... 6: filesize, 11: namesize) of the header at `at`.
unsigned long field(const std::string& a, std::size_t at, int i) {
  return std::stoul(a.substr(at + 6 + 8 * i, 8), nullptr, 16);
}

TEST(Cpio, AFileEntryHasItsModeSizeNameAndDataPaddedToFourBytes) {
  std::ostringstream out;
  CpioWriter w(out);
  w.add_file("init", "hello", 0755);
  w.finish();
  const std::string a = out.str();
  ASSERT_EQ(a.substr(0, 6), "070701");
  EXPECT_EQ(field(a, 0, 1), 0100755UL);
  EXPECT_EQ(field(a, 0, 6), 5UL);
  EXPECT_EQ(field(a, 0, 11), 5UL);  // "init" and its NUL
  // 110 + 5 = 115, padded to 116; the data follows.
  EXPECT_EQ(a.substr(110, 5), std::string("init\0", 5));
  EXPECT_EQ(a.substr(116, 5), "hello");
  // Data padded to 4 (5 -> 8): the trailer starts at 124.
  EXPECT_EQ(a.substr(124, 6), "070701");
  EXPECT_EQ(a.substr(124 + 110, 10), "TRAILER!!!");
  EXPECT_EQ(a.size() % 4, 0U);
}

TEST(Cpio, DirectoriesAndSymlinksCarryTheirTypes) {
  std::ostringstream out;
  CpioWriter w(out);
  w.add_directory("bin");
  w.add_symlink("bin/sh", "busybox");
  w.finish();
  const std::string a = out.str();
  EXPECT_EQ(field(a, 0, 1), 0040755UL);
  const std::size_t second = a.find("070701", 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(field(a, second, 1), 0120777UL);
  EXPECT_NE(a.find("busybox", second), std::string::npos);
}

TEST(Cpio, NothingIsAddedAfterTheTrailer) {
  std::ostringstream out;
  CpioWriter w(out);
  w.finish();
  EXPECT_THROW(w.add_directory("late"), std::logic_error);
}

}  // namespace
}  // namespace synsim::vm
