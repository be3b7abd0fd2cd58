# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# AArch64 Linux with Debian's g++-aarch64-linux-gnu; tests run under
# qemu-aarch64 (Debian qemu-user). Pass -march through CMAKE_CXX_FLAGS, e.g.
# -march=armv8.3-a for the LDAPR path.
set(MAILBOX_CROSS_TRIPLE aarch64-linux-gnu)
set(MAILBOX_CROSS_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
