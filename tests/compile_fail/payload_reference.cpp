// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: complete, non-const, non-volatile object type
// expect-gcc: fixed_string<6>{"count"}
// expect-clang: field_named<'c', 'o', 'u', 'n', 't'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"count", int&>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"count", int>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
