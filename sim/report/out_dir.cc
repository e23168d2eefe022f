#include "sim/report/out_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/report/json.h"
#include "sim/report/pcap.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"

namespace synsim::report {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, std::string_view action, int error) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", action, path.string(), std::strerror(error)));
}

// Writes `bytes` to `tmp`, fsyncs, closes; removes `tmp` on any failure.
void write_fully(const fs::path& tmp, const std::string& bytes) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "create", errno);
  auto give_up = [&](std::string_view action) {
    int error = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(tmp, action, error);
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      give_up("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) give_up("flush");
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(tmp.c_str());
    fail(tmp, "close", error);
  }
}

void write_atomically(const fs::path& dir, const std::string& name, const std::string& bytes) {
  const fs::path final_path = dir / name;
  const fs::path tmp = dir / fmt::format(".{}.tmp.{}", name, ::getpid());
  write_fully(tmp, bytes);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int error = errno;
    ::unlink(tmp.c_str());
    fail(final_path, "rename into", error);
  }
}

// What write_out_dir writes.
constexpr std::string_view kOwnFiles[] = {"timeline.txt", "summary.txt", "outcome.json", "capture.pcap",
                                          "scenario.yaml"};

// ".NAME.tmp.PID": left behind only when a write was interrupted.
bool is_temporary_name(std::string_view name) {
  if (!name.starts_with('.')) return false;
  const std::size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string_view::npos || tmp == 0) return false;
  const std::string_view pid = name.substr(tmp + 5);
  return !pid.empty() && pid.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

void claim_out_dir(const fs::path& dir, const std::vector<std::string>& own_names) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      throw std::runtime_error(fmt::format("cannot write into {}: not a directory", dir.string()));
    }
    std::vector<std::string> foreign;
    bool marked = false;
    fs::directory_iterator it(dir, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot read directory {}: {}", dir.string(), ec.message()));
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name == kOutDirMarker) {
        marked = true;
        break;
      }
      const bool own = std::find(std::begin(kOwnFiles), std::end(kOwnFiles), name) != std::end(kOwnFiles) ||
                       std::find(own_names.begin(), own_names.end(), name) != own_names.end() ||
                       is_temporary_name(name);
      if (!own) foreign.push_back(name);
    }
    if (ec) throw std::runtime_error(fmt::format("cannot read directory {}: {}", dir.string(), ec.message()));
    if (!marked && !foreign.empty()) {
      std::sort(foreign.begin(), foreign.end());
      std::string shown;
      for (std::size_t i = 0; i < foreign.size() && i < 3; ++i) shown += (i ? ", " : "") + ("'" + foreign[i] + "'");
      if (foreign.size() > 3) shown += fmt::format(" and {} more", foreign.size() - 3);
      throw std::runtime_error(fmt::format(
          "refusing to write into {}: it is not empty and was not written by synsim (it holds {}); "
          "choose a new or empty directory",
          dir.string(), shown));
    }
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  }
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error(fmt::format("cannot write into {}: not a directory", dir.string()));
  }
  write_atomically(dir, kOutDirMarker,
                   "This directory holds synsim's output; the next `synsim ... --out` here replaces its files.\n");
}

void write_out_dir(const fs::path& dir, const outcome::Outcome& outcome, const std::string& scenario_text) {
  // Render first: a rendering error must not leave a partial set behind.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"timeline.txt", render_tcpdump(outcome)},
      {"summary.txt", render_summary(outcome)},
      {"outcome.json", render_json(outcome)},
      {"capture.pcap", render_pcap(outcome)},
      {"scenario.yaml", scenario_text},
  };
  claim_out_dir(dir);
  for (const auto& [name, bytes] : files) write_atomically(dir, name, bytes);
}

}  // namespace synsim::report
