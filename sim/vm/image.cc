#include "sim/vm/image.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/profile/profile.h"

namespace synsim::vm {

namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The file's lines without their newlines (a missing file: none).
std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  for (int n = 0; n < 10'000 && std::getline(in, line); ++n) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// "Package: x\nVersion: 1\n..." as "x 1, ...".
std::string packages_of(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (l.rfind("Package: ", 0) == 0) out += (out.empty() ? "" : ", ") + l.substr(9);
    if (l.rfind("Version: ", 0) == 0) out += " " + l.substr(9);
  }
  return out;
}

}  // namespace

std::span<const std::string_view> vm_profiles() {
  // Debian 12's linux-image-cloud-amd64 (scripts/vm-image).
  static constexpr std::string_view kProfiles[] = {"linux-6.1"};
  return kProfiles;
}

std::string vm_cache_dir() {
  if (const char* env = std::getenv("SYNSIM_VM_CACHE"); env != nullptr && *env != '\0') return env;
  return SYNSIM_VM_CACHE_DEFAULT;
}

std::variant<VmImage, std::string> find_vm_image(const std::string& profile) {
  if (profile::find_profile(profile) == nullptr) return "unknown kernel profile '" + profile + "'";
  VmImage img;
  img.profile = profile;
  img.dir = vm_cache_dir() + "/" + profile;
  img.kernel = img.dir + "/vmlinuz";
  img.busybox = img.dir + "/busybox";
  img.config = img.dir + "/config";
  const std::vector<std::string> release = read_lines(img.dir + "/release");
  if (!is_file(img.kernel) || !is_file(img.busybox) || release.size() != 1) {
    return "no " + profile + " kernel image in " + img.dir + " (scripts/vm-image " + profile +
           " downloads Debian's and unpacks it there; SYNSIM_VM_CACHE names another cache)";
  }
  img.release = release.front();
  img.source = packages_of(read_lines(img.dir + "/source"));
  const profile::Profile* p = profile::profile_for_release(img.release);
  if (p == nullptr || p->name != profile) {
    return img.dir + " holds kernel " + img.release + ", whose profile is " + (p ? std::string(p->name) : std::string("none")) + ", not " +
           profile;
  }
  for (const std::string& m : read_lines(img.dir + "/modules.order")) {
    const std::string path = img.dir + "/modules/" + m;
    if (!is_file(path)) return img.dir + "/modules.order names " + m + ", which is not in modules/";
    img.modules.push_back(path);
  }
  return img;
}

}  // namespace synsim::vm
