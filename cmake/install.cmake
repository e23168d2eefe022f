# Installs the model's libraries, headers and the synsim program, with a CMake
# package so another project can:
#   find_package(synsim REQUIRED)
#   target_link_libraries(my_tests PRIVATE synsim::synsim synsim::testing)
# The real-kernel runner (Boost.Asio) is part of the program, not of the
# installed libraries.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(synsim_all INTERFACE)
target_link_libraries(synsim_all INTERFACE synsim_model synsim_scenario synsim_report synsim_expect)
set_target_properties(synsim_all PROPERTIES EXPORT_NAME synsim)

install(TARGETS synsim_all synsim_core synsim_profile synsim_tcp synsim_outcome synsim_scenario synsim_model synsim_report
                synsim_expect synsim_compare synsim_json synsim_testing
        EXPORT synsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS synsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sim/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sim
        FILES_MATCHING PATTERN "*.h"
        PATTERN "kernel" EXCLUDE
        PATTERN "capture" EXCLUDE
        PATTERN "sweep" EXCLUDE
        PATTERN "cli" EXCLUDE)
install(EXPORT synsimTargets NAMESPACE synsim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/synsim)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/synsimConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/synsimConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/synsim)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/synsimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/synsimConfig.cmake ${PROJECT_BINARY_DIR}/synsimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/synsim)
