// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An unfixed enum has a range narrower than its bytes: a peer can store a value outside it.
// expect: a payload enum needs a fixed underlying type
// expect-gcc: fixed_string<6>{"color"}
// expect-clang: field_named<'c', 'o', 'l', 'o', 'r'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

enum Color { red, green };
enum FixedColor : std::uint8_t { fixed_red, fixed_green };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"color", Color>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"color", FixedColor>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
