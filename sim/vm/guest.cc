#include "sim/vm/guest.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "sim/vm/cpio.h"

extern char** environ;

namespace synsim::vm {

namespace {

constexpr const char* kModuleDir = "/lib/modules/synsim";

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// Every parent directory of `path` ("/a/b/c" -> "a", "a/b"), without the leading "/".
void add_parents(const std::string& path, std::set<std::string>& dirs) {
  for (std::size_t i = path.find('/', 1); i != std::string::npos; i = path.find('/', i + 1)) {
    dirs.insert(path.substr(1, i - 1));
  }
}

// `objcopy --strip-debug SRC DST`; false when it is not there or fails.
bool strip_debug(const std::string& src, const std::string& dst) {
  const std::array<std::string, 4> words{"objcopy", "--strip-debug", src, dst};
  std::array<char*, 5> argv{};
  for (std::size_t i = 0; i < words.size(); ++i) argv[i] = const_cast<char*>(words[i].c_str());
  pid_t pid = 0;
  if (posix_spawnp(&pid, "objcopy", nullptr, nullptr, argv.data(), environ) != 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string init_script(const GuestPlan& plan) {
  std::ostringstream s;
  s << "#!/bin/busybox sh\n"
       "# synsim's guest (sim/vm/guest.h): play the scenario, send the results over /dev/ttyS1, power off.\n"
       "/bin/busybox mkdir -p /proc /sys /dev /tmp /out\n"
       "/bin/busybox --install -s /bin\n"
       "mount -t proc proc /proc\n"
       "mount -t sysfs sysfs /sys\n"
       "mount -t devtmpfs devtmpfs /dev\n"
       "mount -t tmpfs tmpfs /tmp\n"
       // From the kernel's start to here: the boot.
       "cut -d' ' -f1 /proc/uptime > /out/boot-uptime\n"
       "uname -r > /out/release\n"
       "cat /sys/devices/system/clocksource/clocksource0/current_clocksource > /out/clocksource\n"
       ": > /out/insmod\n";
  for (const std::string& m : plan.modules) {
    s << "insmod " << kModuleDir << "/" << m << " 2>> /out/insmod\n";
  }
  std::string args;
  for (const std::string& a : plan.kernel_args) args += " " + shell_quote(a);
  s << "i=1\n"
       "while [ $i -le " << plan.runs << " ]; do\n"
       "  cut -d' ' -f1 /proc/uptime > /out/start-$i\n"
       "  LD_LIBRARY_PATH=/lib/x86_64-linux-gnu /bin/synsim kernel --out /out/run-$i" << args
    << " /scenario.yaml > /dev/null 2> /out/stderr-$i\n"
       "  echo $? > /out/rc-$i\n"
       "  cut -d' ' -f1 /proc/uptime > /out/end-$i\n"
       "  [ -f /out/run-$i/outcome.json ] && cp /out/run-$i/outcome.json /out/outcome-$i.json\n"
       "  i=$((i + 1))\n"
       "done\n"
       // Raw: no newline translation, no echo, no flow control.
       "stty -F /dev/ttyS1 raw -echo -ixon\n"
       "{\n"
       "  for f in /out/*; do\n"
       "    [ -f \"$f\" ] || continue\n"
       "    printf 'SYNSIM-FILE %s %s\\n' \"${f#/out/}\" \"$(wc -c < \"$f\")\"\n"
       "    cat \"$f\"\n"
       "  done\n"
       "  printf 'SYNSIM-END\\n'\n"
       "} > /dev/ttyS1\n"
       "sync\n"
       "poweroff -f\n";
  return s.str();
}

std::vector<std::string> shared_libraries(const std::string& binary) {
  std::vector<std::string> libs;
  FILE* p = ::popen(("ldd " + shell_quote(binary) + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return libs;
  std::array<char, 1024> buf{};
  // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or
  // "/lib64/ld-linux-x86-64.so.2 (0x...)": the path is the word before "(".
  for (int n = 0; n < 1000 && std::fgets(buf.data(), buf.size(), p) != nullptr; ++n) {
    std::istringstream line(buf.data());
    std::string word;
    std::string last;
    while (line >> word && word.front() != '(') last = word;
    if (!last.empty() && last.front() == '/') libs.push_back(last);
  }
  const int status = ::pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) libs.clear();
  return libs;
}

std::string write_initramfs(const std::string& path, const VmImage& image, const std::string& synsim_binary,
                            const std::string& scenario_text, const GuestPlan& plan) {
  // Guest path -> host file.
  std::vector<std::pair<std::string, std::string>> files{{"/bin/busybox", image.busybox},
                                                         {"/boot/config-" + image.release, image.config}};
  for (const std::string& m : image.modules) files.emplace_back(std::string(kModuleDir) + "/" + base_name(m), m);
  const std::vector<std::string> libs = shared_libraries(synsim_binary);
  if (libs.empty()) return "ldd " + synsim_binary + " listed no libraries (is it a dynamic executable?)";
  for (const std::string& lib : libs) files.emplace_back(lib, lib);
  const std::string stripped = path + ".synsim";
  files.emplace_back("/bin/synsim", strip_debug(synsim_binary, stripped) ? stripped : synsim_binary);

  std::set<std::string> dirs{"bin", "boot", "proc", "sys", "dev", "tmp", "out"};
  for (const auto& f : files) add_parents(f.first, dirs);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write " + path;
  CpioWriter cpio(out);
  for (const std::string& d : dirs) cpio.add_directory(d);  // sorted: parents first
  for (const auto& [guest, host] : files) {
    const std::optional<std::string> data = slurp(host);
    if (!data) return "cannot read " + host;
    cpio.add_file(guest.substr(1), *data, 0755);
  }
  ::unlink(stripped.c_str());
  cpio.add_file("scenario.yaml", scenario_text, 0644);
  cpio.add_file("init", init_script(plan), 0755);
  cpio.finish();
  out.flush();
  return out ? std::string() : "cannot write " + path;
}

}  // namespace synsim::vm
