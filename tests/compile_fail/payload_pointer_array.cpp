// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Arrays of pointers too.
// expect: a payload field may not be a pointer
// expect-gcc: fixed_string<6>{"links"}
// expect-clang: field_named<'l', 'i', 'n', 'k', 's'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"links", void* [4]>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"links", std::uint64_t[4]>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
