# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Installs the headers, a relocatable CMake package and a pkg-config file, so
# that
#   find_package(mailbox CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE mailbox::mailbox)
# and
#   c++ -std=c++20 $(pkg-config --cflags mailbox) app.cpp
# work against the install prefix.
include(CMakePackageConfigHelpers)

set(MAILBOX_INSTALL_CMAKEDIR
    "${CMAKE_INSTALL_DATADIR}/cmake/mailbox"
    CACHE STRING "Where to install mailboxConfig.cmake (header-only, so under share/)")

install(TARGETS mailbox EXPORT mailboxTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
# The MIT license travels with every copy of the headers (share/doc/mailbox).
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
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

# mailbox.pc, next to the CMake package under share/ (the library is
# architecture independent, like the config files). Its paths are relative to
# the .pc file (${pcfiledir}), so `cmake --install --prefix` elsewhere works.
set(MAILBOX_INSTALL_PKGCONFIGDIR
    "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where to install mailbox.pc (header-only, so under share/)")
if(IS_ABSOLUTE "${MAILBOX_INSTALL_PKGCONFIGDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  # A fixed location was asked for: nothing to relocate.
  set(MAILBOX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(MAILBOX_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  # The way up from the .pc file's directory to the prefix ("../.." for
  # share/pkgconfig), without a trailing slash.
  file(RELATIVE_PATH up "/prefix/${MAILBOX_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" up "${up}")
  set(MAILBOX_PC_PREFIX "\${pcfiledir}/${up}")
  set(MAILBOX_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/mailbox.pc.in" "${PROJECT_BINARY_DIR}/mailbox.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/mailbox.pc" DESTINATION "${MAILBOX_INSTALL_PKGCONFIGDIR}")
