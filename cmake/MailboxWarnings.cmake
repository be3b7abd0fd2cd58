# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Warnings as errors for the project's own targets only: users of the
# mailbox::mailbox target get none of these flags.
add_library(mailbox_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(mailbox_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)
endif()
