// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A peer writing byte 2 into a bool is undefined behaviour on the reading side.
// expect: a payload field may not be bool
// expect-gcc: fixed_string<6>{"ready"}
// expect-clang: field_named<'r', 'e', 'a', 'd', 'y'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"ready", bool>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"ready", std::uint8_t>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
