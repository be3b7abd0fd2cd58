# Installs the headers and a relocatable CMake package, so that
#   find_package(mailbox CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE mailbox::mailbox)
# works against the install prefix.
include(CMakePackageConfigHelpers)

set(MAILBOX_INSTALL_CMAKEDIR
    "${CMAKE_INSTALL_DATADIR}/cmake/mailbox"
    CACHE STRING "Where to install mailboxConfig.cmake (header-only, so under share/)")

install(TARGETS mailbox EXPORT mailboxTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(
  EXPORT mailboxTargets
  NAMESPACE mailbox::
  DESTINATION "${MAILBOX_INSTALL_CMAKEDIR}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/mailboxConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/mailboxConfig.cmake" INSTALL_DESTINATION "${MAILBOX_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/mailboxConfigVersion.cmake" COMPATIBILITY SameMinorVersion
                                 ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/mailboxConfig.cmake" "${PROJECT_BINARY_DIR}/mailboxConfigVersion.cmake"
        DESTINATION "${MAILBOX_INSTALL_CMAKEDIR}")
