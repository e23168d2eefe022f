// Writing a file so that a reader never sees half of it, and a crash after
// the write returned loses nothing: the one way synsim writes an output
// file (the --out directories, compare's reports, sweep pages and JSON lines).
//
// The file is written under a temporary name in its own directory, flushed
// to disk (fsync), renamed over its final name (rename(2) replaces it in one
// step), and the directory is flushed too, so that the rename itself is on
// disk (fsync(2): "Calling fsync() does not necessarily ensure that the
// entry in the directory containing the file has also reached disk").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace synsim {

// Writes `bytes` to `path` through ".NAME.tmp.PID" beside it. Throws
// std::runtime_error naming the path and the system's reason on failure;
// the temporary file is removed then.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Files that appear under their final names together, or not at all: each
// is written and flushed under its temporary name as it is staged (so a
// caller renders and stages one at a time, never holding them all), and
// publish() renames them all and flushes their directories. Staged files
// not published (an exception in between) are removed by the destructor,
// so a failure between two files leaves every final name as it was.
class StagedFiles {
 public:
  StagedFiles() = default;
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;
  ~StagedFiles();

  // Throws like write_file_atomically (nothing of this file is left then).
  void stage(const std::filesystem::path& path, std::string_view bytes);
  // Throws std::runtime_error if a rename or a flush fails.
  void publish();

 private:
  struct Staged {
    std::filesystem::path tmp;
    std::filesystem::path path;
  };
  std::vector<Staged> staged_;
};

// Publishes a file that was written under the temporary name `tmp` (in the
// directory of `path`, e.g. streamed line by line): flushes it, renames it
// over `path`, flushes the directory. Throws like write_file_atomically;
// `tmp` is left where it was on failure (it holds what was written).
void commit_file(const std::filesystem::path& tmp, const std::filesystem::path& path);

// ".NAME.tmp.PID", the temporary name write_file_atomically uses: left
// behind only by a write that was interrupted.
std::string atomic_write_temporary_name(std::string_view name);
bool is_atomic_write_temporary_name(std::string_view name);

}  // namespace synsim
