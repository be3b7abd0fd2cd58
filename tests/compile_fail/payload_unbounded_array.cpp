// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: complete, non-const, non-volatile object type
// expect-gcc: fixed_string<5>{"data"}
// expect-clang: field_named<'d', 'a', 't', 'a'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"data", std::uint8_t[]>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"data", std::uint8_t[64]>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
