// Tidy check: the model's layers use no API that would make a run depend on
// anything but its scenario and seed (style.md rule 3; TigerBeetle's tidy
// checks). Real clocks and sockets belong to sim/kernel only.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Layers that must be pure functions of (scenario, seed).
const char* const kDeterministicLayers[] = {"core",   "profile", "tcp",     "model",      "scenario",
                                            "outcome", "expect", "compare", "packetdrill", "pktout"};

struct Banned {
  const char* token;
  const char* why;
};

const Banned kBanned[] = {
    {"std::rand", "C PRNG with global state: use synsim::Rng"},
    {"random_device", "non-deterministic seed: use synsim::Rng"},
    {"_distribution<", "std distributions differ between standard libraries: use Rng::below/between"},
    {"system_clock", "real clock in the model"},
    {"steady_clock", "real clock in the model"},
    {"high_resolution_clock", "real clock in the model"},
    {"gettimeofday", "real clock in the model"},
    {"clock_gettime", "real clock in the model"},
    {"unordered_map", "iteration order depends on hashing: use std::map or a vector"},
    {"unordered_set", "iteration order depends on hashing: use std::set or a vector"},
    {"double", "simulated time and model arithmetic stay integral"},
};

TEST(Tidy, ModelLayersUseNoNonDeterministicApi) {
  std::vector<std::string> problems;
  for (const char* layer : kDeterministicLayers) {
    const fs::path dir = fs::path(SYNSIM_SOURCE_DIR) / "sim" / layer;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      std::ifstream in(e.path());
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        const auto comment = line.find("//");
        const std::string code = line.substr(0, comment);
        for (const Banned& b : kBanned) {
          // Formatting and statistics for people may use floating point.
          if (std::string(b.token) == "double" &&
              (std::string(layer) == "compare" || e.path().filename() == "time.cc")) {
            continue;
          }
          if (code.find(b.token) != std::string::npos) {
            problems.push_back(fs::relative(e.path(), SYNSIM_SOURCE_DIR).string() + ":" + std::to_string(n) + ": " +
                               b.token + " (" + b.why + ")");
          }
        }
      }
    }
  }
  std::ostringstream all;
  for (const std::string& p : problems) all << p << '\n';
  EXPECT_TRUE(problems.empty()) << all.str();
}

}  // namespace
