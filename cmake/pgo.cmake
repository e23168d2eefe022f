# Profile-guided optimisation: -DSYNSIM_PGO=GENERATE builds synsim with
# counters that a run writes to SYNSIM_PGO_DIR; -DSYNSIM_PGO=USE builds it
# again optimised by what they counted (branch layout, what to inline, hot
# and cold code). scripts/build-pgo does both with a fixed training set in
# between; the speed figures (scripts/speed-report) are for that build.
#
# Why: the model's time is spread over the event queue, the TCP rules, the
# machine and the recorder (scripts/bench-profile: no function above 12%),
# a branchy path that a compiler lays out better when it knows which
# branches are taken: build-pgo (with link-time optimisation) ran the
# report's load in 0.82x (0.74-0.86x) the plain Release build's wall time,
# 3 pairs in turn (scripts/speed-report, 2026-12-07 17:46 UTC). Other
# machine code, the same output: the model's arithmetic is integers only,
# and scripts/speed-report checks the two builds' summaries byte for byte.
#
# -fprofile-prefix-path: the counters' files are named after each object's
# path relative to the build tree, so the instrumented build and the
# optimised one can live in different directories.
set(SYNSIM_PGO "OFF" CACHE STRING "Profile-guided optimisation: OFF, GENERATE or USE")
set_property(CACHE SYNSIM_PGO PROPERTY STRINGS OFF GENERATE USE)
set(SYNSIM_PGO_DIR "${PROJECT_BINARY_DIR}/pgo-profile" CACHE PATH
    "Where GENERATE's runs write their counters and USE reads them")

if(SYNSIM_PGO STREQUAL "GENERATE")
  # single: the training runs one model at a time; atomic counters would
  # slow the instrumented runs for nothing.
  add_compile_options(-fprofile-generate=${SYNSIM_PGO_DIR} -fprofile-update=single
                      -fprofile-prefix-path=${PROJECT_BINARY_DIR})
  add_link_options(-fprofile-generate=${SYNSIM_PGO_DIR})
elseif(SYNSIM_PGO STREQUAL "USE")
  # partial-training: code the training never ran (the kernel runner, the
  # report writers) is optimised as usual, not for size; missing-profile:
  # its objects have no counters at all, which is expected;
  # coverage-mismatch: a source generated into the build tree
  # (version_info.cc) has another path in each build, and GCC then takes
  # its counters for stale and optimises it without them, as it should.
  add_compile_options(-fprofile-use=${SYNSIM_PGO_DIR} -fprofile-partial-training -Wno-missing-profile
                      -Wno-coverage-mismatch
                      -fprofile-prefix-path=${PROJECT_BINARY_DIR})
  # The counters' digest on every command line (scripts/build-pgo sets it):
  # neither ninja nor ccache knows an object depends on its counters' file,
  # but both see a changed command line, so new counters rebuild every
  # object (they differ from one training to the next: scripts/build-pgo).
  set(SYNSIM_PGO_PROFILE_DIGEST "" CACHE STRING "A digest of the counters in SYNSIM_PGO_DIR")
  if(SYNSIM_PGO_PROFILE_DIGEST)
    add_compile_definitions(SYNSIM_PGO_PROFILE_DIGEST=${SYNSIM_PGO_PROFILE_DIGEST})
  endif()
elseif(NOT SYNSIM_PGO STREQUAL "OFF")
  message(FATAL_ERROR "SYNSIM_PGO: expected OFF, GENERATE or USE, not '${SYNSIM_PGO}'")
endif()
