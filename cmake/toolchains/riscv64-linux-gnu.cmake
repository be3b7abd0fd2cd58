# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# RISC-V 64 Linux with Debian's g++-riscv64-linux-gnu; tests run under
# qemu-riscv64 (Debian qemu-user). The library has no RISC-V backend, so this
# build exercises the generic std::atomic_ref path.
set(MAILBOX_CROSS_TRIPLE riscv64-linux-gnu)
set(MAILBOX_CROSS_PROCESSOR riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-cross.cmake)
