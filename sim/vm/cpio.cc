#include "sim/vm/cpio.h"

#include <array>
#include <cstdio>
#include <stdexcept>

namespace synsim::vm {

namespace {

constexpr std::uint32_t kDirectory = 0040000;  // S_IFDIR
constexpr std::uint32_t kRegular = 0100000;    // S_IFREG
constexpr std::uint32_t kSymlink = 0120000;    // S_IFLNK
constexpr std::size_t kHeaderSize = 110;

}  // namespace

void CpioWriter::pad(std::uint64_t written) {
  static constexpr std::array<char, 4> zeros{};
  out_.write(zeros.data(), static_cast<std::streamsize>((4 - written % 4) % 4));
}

void CpioWriter::entry(std::string_view path, std::uint32_t mode, std::string_view data, std::uint32_t nlink) {
  if (finished_) throw std::logic_error("cpio: entry after the trailer");
  // Fields: ino mode uid gid nlink mtime filesize devmajor devminor
  // rdevmajor rdevminor namesize check. mtime 0: the archive depends only
  // on its contents.
  const std::array<std::uint64_t, 13> fields{next_inode_++, mode, 0, 0, nlink, 0, data.size(), 0, 0, 0, 0,
                                             path.size() + 1, 0};
  std::string header = "070701";
  for (const std::uint64_t f : fields) {
    if (f > 0xffffffffU) throw std::length_error("cpio: a field over 32 bits (file over 4 GiB)");
    std::array<char, 9> hex{};
    std::snprintf(hex.data(), hex.size(), "%08X", static_cast<unsigned>(f));
    header += hex.data();
  }
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  out_.write(path.data(), static_cast<std::streamsize>(path.size()));
  out_.put('\0');
  pad(kHeaderSize + path.size() + 1);
  out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  pad(data.size());
}

void CpioWriter::add_directory(std::string_view path) { entry(path, kDirectory | 0755, {}, 2); }

void CpioWriter::add_file(std::string_view path, std::string_view data, std::uint32_t mode) {
  entry(path, kRegular | (mode & 07777), data, 1);
}

void CpioWriter::add_symlink(std::string_view path, std::string_view target) {
  entry(path, kSymlink | 0777, target, 1);
}

void CpioWriter::finish() {
  entry("TRAILER!!!", 0, {}, 1);
  finished_ = true;
}

}  // namespace synsim::vm
