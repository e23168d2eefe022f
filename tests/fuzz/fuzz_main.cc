// libFuzzer entry point for one target of targets.h, chosen at compile time
// (-DSYNSIM_FUZZ_TARGET=load_scenario). Built only by tests/fuzz/CMakeLists.txt.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/targets.h"

#ifndef SYNSIM_FUZZ_TARGET
#error "define SYNSIM_FUZZ_TARGET to one of the entry functions of targets.h"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  synsim::fuzz::SYNSIM_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
