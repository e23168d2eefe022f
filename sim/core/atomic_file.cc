#include "sim/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace synsim {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, std::string_view action, int error) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", action, path.string(), std::strerror(error)));
}

// fsync(fd), then close(fd); false (errno set) if either failed.
bool sync_and_close(int fd) {
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced) errno = error;
  return synced && closed;
}

// Writes `bytes` to `tmp`, fsyncs, closes; removes `tmp` on any failure.
void write_fully(const fs::path& tmp, std::string_view bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "create", errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(tmp, "write", error);
    }
    done += static_cast<std::size_t>(n);
  }
  if (!sync_and_close(fd)) {
    const int error = errno;
    ::unlink(tmp.c_str());
    fail(tmp, "flush", error);
  }
}

fs::path directory_of(const fs::path& path) {
  const fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// The directory entry a rename made, on disk.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(dir, "open directory", errno);
  if (!sync_and_close(fd)) fail(dir, "flush directory", errno);
}

}  // namespace

std::string atomic_write_temporary_name(std::string_view name) {
  return fmt::format(".{}.tmp.{}", name, ::getpid());
}

bool is_atomic_write_temporary_name(std::string_view name) {
  if (!name.starts_with('.')) return false;
  const std::size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string_view::npos || tmp == 0) return false;
  const std::string_view pid = name.substr(tmp + 5);
  return !pid.empty() && pid.find_first_not_of("0123456789") == std::string_view::npos;
}

StagedFiles::~StagedFiles() {
  for (const Staged& s : staged_) ::unlink(s.tmp.c_str());
}

void StagedFiles::stage(const fs::path& path, std::string_view bytes) {
  const fs::path tmp = directory_of(path) / atomic_write_temporary_name(path.filename().string());
  write_fully(tmp, bytes);
  staged_.push_back({tmp, path});
}

void StagedFiles::publish() {
  std::vector<fs::path> dirs;
  while (!staged_.empty()) {
    const Staged& s = staged_.front();
    if (::rename(s.tmp.c_str(), s.path.c_str()) != 0) fail(s.path, "rename into", errno);
    const fs::path dir = directory_of(s.path);
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    staged_.erase(staged_.begin());
  }
  for (const fs::path& dir : dirs) sync_directory(dir);
}

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  StagedFiles file;
  file.stage(path, bytes);
  file.publish();
}

void commit_file(const fs::path& tmp, const fs::path& path) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(tmp, "open", errno);
  if (!sync_and_close(fd)) fail(tmp, "flush", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail(path, "rename into", errno);
  sync_directory(directory_of(path));
}

}  // namespace synsim
