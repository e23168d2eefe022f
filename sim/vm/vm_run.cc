#include "sim/vm/vm_run.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/vm/frames.h"
#include "sim/vm/qemu.h"

namespace synsim::vm {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// /proc/uptime's "12.34" (two decimals) as a duration; nullopt when it is not that.
std::optional<Duration> uptime_of(const std::string& text) {
  const std::string t = trimmed(text);
  const std::size_t dot = t.find('.');
  if (dot == std::string::npos || dot == 0 || t.size() - dot != 3) return std::nullopt;
  try {
    return sec(std::stoll(t.substr(0, dot))) + ms(10 * std::stoll(t.substr(dot + 1)));
  } catch (...) {
    return std::nullopt;
  }
}

// A temporary directory, removed with this object.
struct WorkDir {
  std::string path;
  WorkDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/synsim-vm-XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) path = templ;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
};

std::string file_or(const Frames& f, const std::string& name) {
  const auto it = f.files.find(name);
  return it == f.files.end() ? std::string() : it->second;
}

// The guest's frames into the run's figures and each run's results.
void read_results(const Frames& frames, int runs, VmRun& r) {
  r.release = trimmed(file_or(frames, "release"));
  r.clocksource = trimmed(file_or(frames, "clocksource"));
  r.boot = uptime_of(file_or(frames, "boot-uptime"));
  for (int i = 1; i <= runs; ++i) {
    const std::string n = std::to_string(i);
    GuestRun g;
    const std::string rc = trimmed(file_or(frames, "rc-" + n));
    if (rc.empty()) break;  // the guest did not get to this run
    g.exit_code = std::atoi(rc.c_str());
    g.stderr_text = file_or(frames, "stderr-" + n);
    if (frames.files.count("outcome-" + n + ".json") != 0) g.outcome_json = frames.files.at("outcome-" + n + ".json");
    const std::optional<Duration> start = uptime_of(file_or(frames, "start-" + n));
    const std::optional<Duration> end = uptime_of(file_or(frames, "end-" + n));
    if (start && end) g.wall = *end - *start;
    r.runs.push_back(std::move(g));
  }
  const std::string insmod = trimmed(file_or(frames, "insmod"));
  if (!insmod.empty()) r.console_tail += "insmod in the guest: " + insmod + "\n";
}

}  // namespace

Duration vm_time_limit(Duration scenario_duration, int runs) {
  return sec(180) + runs * (4 * scenario_duration + sec(90));
}

VmRun run_in_vm(const VmRequest& request) {
  VmRun r;
  const std::optional<std::string> qemu = find_qemu();
  if (!qemu) {
    r.error = "qemu-system-x86_64 is not installed (scripts/install-deps --vm installs Debian's qemu-system-x86)";
    r.environment = true;
    return r;
  }
  WorkDir work;
  if (work.path.empty()) {
    r.error = "cannot create a temporary directory for the VM's files";
    r.environment = true;
    return r;
  }
  GuestPlan plan = request.plan;
  plan.modules.clear();
  for (const std::string& m : request.image.modules) plan.modules.push_back(m.substr(m.find_last_of('/') + 1));
  BootSpec spec;
  spec.qemu = *qemu;
  spec.kernel = request.image.kernel;
  spec.initramfs = work.path + "/initramfs.cpio";
  spec.console_path = work.path + "/console.txt";
  spec.results_path = work.path + "/results.bin";
  spec.limit = vm_time_limit(request.scenario_duration, plan.runs);
  spec.cpus = request.cpus;
  spec.should_stop = request.should_stop;
  const std::string written =
      write_initramfs(spec.initramfs, request.image, request.synsim_binary, request.scenario_text, plan);
  if (!written.empty()) {
    r.error = written;
    r.environment = true;
    return r;
  }
  const Boot b = boot(spec);
  r.qemu_wall = b.wall;
  const std::string console = slurp(spec.console_path);
  r.console_tail = console.size() > 3000 ? console.substr(console.size() - 3000) : console;
  const Frames frames = read_frames(slurp(spec.results_path));
  read_results(frames, plan.runs, r);
  if (!b.error.empty()) {
    r.error = b.error;
    r.environment = !b.stopped;
    r.stopped = b.stopped;
  } else if (!frames.complete) {
    r.error = "the guest did not send its results" + (frames.error.empty() ? "" : " (" + frames.error + ")") +
              "; its console ends:\n" + r.console_tail;
    r.environment = true;
  }
  return r;
}

}  // namespace synsim::vm
