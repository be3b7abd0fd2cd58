// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: no valid state may use the top bit of the state word
#include <mailbox/mailbox.hpp>

#include <cstdint>

#if defined(MAILBOX_COMPILE_FAIL)
enum class Worker : std::uint32_t { idle, busy = 0x80000000u };
#else
enum class Worker : std::uint32_t { idle, busy = 0x40000000u };
#endif
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::valid_states<Worker::idle, Worker::busy>,
                          mailbox::blocking_waiters>;

int main() { return static_cast<int>(L::size) == 0; }
