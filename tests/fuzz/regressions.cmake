# The fuzz regression test, part of the normal suite (label unit): replays
# every file under tests/fuzz/regressions/TARGET/ through that fuzz target.
# Included from tests/CMakeLists.txt (`include(fuzz/regressions.cmake)`),
# which defines synsim_test. The fuzzers themselves are built only by
# scripts/fuzz (tests/fuzz/CMakeLists.txt).
synsim_test(fuzz_regression_tests LABELS unit
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/regression_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/targets.cc
    ${CMAKE_CURRENT_LIST_DIR}/targets.h
  LIBS synsim_scenario synsim_report synsim_sweep synsim_capture synsim_packetdrill)
