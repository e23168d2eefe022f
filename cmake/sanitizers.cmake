# Sanitizer builds: -DSYNSIM_SANITIZE=address,undefined (a comma-separated
# list of -fsanitize= values). Empty (the default) builds without.
#
# Every report is fatal (-fno-sanitize-recover=all), so a sanitizer finding
# fails the test that triggered it instead of scrolling past in its output.
# scripts/test-sanitized builds this way into build-asan/ and runs ctest;
# scripts/fuzz builds the libFuzzer targets with fuzzer-no-link added.
# scripts/test-tsan builds with `thread` into build-tsan/ for the threaded code.
set(SYNSIM_SANITIZE "" CACHE STRING
    "Sanitizers (comma-separated -fsanitize= values, e.g. address,undefined); empty for none")

if(SYNSIM_SANITIZE)
  string(REPLACE "," ";" _synsim_sanitizers "${SYNSIM_SANITIZE}")
  foreach(_s IN LISTS _synsim_sanitizers)
    if(NOT _s MATCHES "^(address|undefined|leak|thread|fuzzer-no-link)$")
      message(FATAL_ERROR "SYNSIM_SANITIZE: unknown sanitizer '${_s}' "
                          "(expected address, undefined, leak, thread or fuzzer-no-link)")
    endif()
  endforeach()
  if("thread" IN_LIST _synsim_sanitizers AND "address" IN_LIST _synsim_sanitizers)
    message(FATAL_ERROR "SYNSIM_SANITIZE: thread and address cannot be combined")
  endif()
  # -O1 -g1 (line tables only) in place of RelWithDebInfo's -O2 -g: the
  # sanitizers' own advice (-O1 keeps reports' stacks exact, line tables name
  # every frame) at half the compile time, which is most of CI's when its
  # cache is cold: tests/cli/cli_test.cc under ASan compiled in 63 s at -O2 -g,
  # 31 s at -O1 -g1 (2026-12-07, this 2-core VM, idle).
  set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -g1 -DNDEBUG")
  add_compile_options(-fsanitize=${SYNSIM_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${SYNSIM_SANITIZE})
  message(STATUS "synsim: sanitizers ${SYNSIM_SANITIZE}")
endif()
