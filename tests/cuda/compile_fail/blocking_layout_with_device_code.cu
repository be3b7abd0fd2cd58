// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A host thread asleep in FUTEX_WAIT (blocking_waiters, spin_then_block)
// waits for a wake-up that device code cannot send: such a layout is not
// shared with kernels.
#include <mailbox/cuda.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
#if defined(MAILBOX_COMPILE_FAIL)
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>,
                               mailbox::blocking_waiters>;
#else
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn> >;
#endif

int main() {
  auto region = mailbox::cuda::device_region<Layout>::create(1, Turn::empty);
  return region.size() == 1 ? 0 : 1;
}

// expect: a layout with mailbox::blocking_waiters cannot be shared with device code
