// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A flag is a lock-free integer word: not bool, not a narrow integer.
// expect: a flag's type must be a 4- or 8-byte integer
// expect-gcc: fixed_string<5>{"done"}
// expect-clang: field_named<'d', 'o', 'n', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::flag<"done", bool>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::flag<"done", std::uint32_t>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
