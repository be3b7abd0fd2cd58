# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# AArch64 Linux with clang++ --target=aarch64-linux-gnu, against Debian's
# AArch64 libstdc++ and glibc (from g++-aarch64-linux-gnu, which clang finds
# under /usr/lib/gcc-cross); tests run under qemu-aarch64 (Debian qemu-user).
# Pass -march through CMAKE_CXX_FLAGS, e.g. -march=armv8.3-a for LDAPR.
set(MAILBOX_CROSS_TRIPLE aarch64-linux-gnu)
set(MAILBOX_CROSS_PROCESSOR aarch64)
set(MAILBOX_CROSS_COMPILER clang)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
