// An initramfs archive: the "newc" cpio format the kernel unpacks into its
// rootfs before running /init (Documentation/driver-api/early-userspace/
// buffer-format.rst; init/initramfs.c). Written here rather than with
// cpio(1), which a fresh Debian 12 does not have.
//
// Each entry: a 110-byte ASCII header ("070701", then 13 fields of 8 hex
// digits), the name with its NUL, padding to 4 bytes, the data, padding to
// 4 bytes. The archive ends with the entry "TRAILER!!!". Uncompressed: the
// kernel takes it as it is, and qemu loads it without a decompressor.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace synsim::vm {

class CpioWriter {
 public:
  explicit CpioWriter(std::ostream& out) : out_(out) {}

  // A directory; parents must come first (the kernel does not create them).
  void add_directory(std::string_view path);
  // A regular file with `data` (mode: permission bits, e.g. 0755).
  void add_file(std::string_view path, std::string_view data, std::uint32_t mode);
  // A symbolic link `path` -> `target`.
  void add_symlink(std::string_view path, std::string_view target);
  // The closing "TRAILER!!!" entry; nothing may be added after it.
  void finish();

 private:
  void entry(std::string_view path, std::uint32_t mode, std::string_view data, std::uint32_t nlink);
  void pad(std::uint64_t written);

  std::ostream& out_;
  std::uint32_t next_inode_ = 1;
  bool finished_ = false;
};

}  // namespace synsim::vm
