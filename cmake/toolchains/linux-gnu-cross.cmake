# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Shared by the Debian cross toolchains in this directory: set
# MAILBOX_CROSS_TRIPLE (e.g. aarch64-linux-gnu) and MAILBOX_CROSS_PROCESSOR,
# and MAILBOX_CROSS_COMPILER to clang for clang (default: the triple's g++),
# then include this file.
#
# Compilers and the emulator come from Debian (g++-<triple>, clang,
# qemu-user). The emulator runs each test binary with the target's libraries
# from /usr/<triple>, the directory the cross packages install them into.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${MAILBOX_CROSS_PROCESSOR})

if(MAILBOX_CROSS_COMPILER STREQUAL "clang")
  # One clang serves every target; the triple selects the GCC cross
  # installation (headers, libstdc++, crt files, the triple's ld).
  set(CMAKE_CXX_COMPILER clang++)
  set(CMAKE_C_COMPILER clang)
  set(CMAKE_CXX_COMPILER_TARGET ${MAILBOX_CROSS_TRIPLE})
  set(CMAKE_C_COMPILER_TARGET ${MAILBOX_CROSS_TRIPLE})
else()
  set(CMAKE_CXX_COMPILER ${MAILBOX_CROSS_TRIPLE}-g++)
  set(CMAKE_C_COMPILER ${MAILBOX_CROSS_TRIPLE}-gcc)
endif()

find_program(MAILBOX_CROSS_QEMU qemu-${MAILBOX_CROSS_PROCESSOR} REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${MAILBOX_CROSS_QEMU};-L;/usr/${MAILBOX_CROSS_TRIPLE}")

# Target libraries and headers only from the cross sysroot; programs (ninja,
# python3) from the host. Packages may come from either: Catch2 is header-only
# and its CMake files live in the host's /usr/lib/cmake.
set(CMAKE_FIND_ROOT_PATH /usr/${MAILBOX_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
