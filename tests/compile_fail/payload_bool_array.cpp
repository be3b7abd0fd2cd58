// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Arrays are checked element by element.
// expect: a payload field may not be bool
// expect-gcc: fixed_string<5>{"mask"}
// expect-clang: field_named<'m', 'a', 's', 'k'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"mask", bool[8]>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"mask", std::uint8_t[8]>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
