// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A flag holds a count or a yes/no, not a state: enums are refused.
// expect: a flag's type must be a 4- or 8-byte integer
// expect-gcc: fixed_string<5>{"done"}
// expect-clang: field_named<'d', 'o', 'n', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::flag<"done", Worker>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::flag<"done", std::int32_t>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
