// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: mailbox::blocking_waiters needs a 4-byte state word
#include <mailbox/mailbox.hpp>

#include <cstdint>

#if defined(MAILBOX_COMPILE_FAIL)
using L = mailbox::layout<mailbox::state<"state", std::uint64_t>, mailbox::blocking_waiters>;
#else
using L = mailbox::layout<mailbox::state<"state", std::uint32_t>, mailbox::blocking_waiters>;
#endif

int main() { return static_cast<int>(L::size) == 0; }
