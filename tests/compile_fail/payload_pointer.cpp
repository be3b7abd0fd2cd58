// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An address means nothing in the other process.
// expect: a payload field may not be a pointer
// expect-gcc: fixed_string<5>{"next"}
// expect-clang: field_named<'n', 'e', 'x', 't'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"next", const char*>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"next", std::uint64_t>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
