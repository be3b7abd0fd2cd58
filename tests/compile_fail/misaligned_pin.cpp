// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: pinned offset is not a multiple of the field type's alignment
// expect-gcc: fixed_string<5>{"args"}
// expect-clang: field_named<'a', 'r', 'g', 's'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"args", std::uint64_t[16], 60>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"args", std::uint64_t[16], 64>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
