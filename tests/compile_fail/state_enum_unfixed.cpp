// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: an enum with a fixed underlying type
// expect-gcc: fixed_string<6>{"state"}
// expect-clang: field_named<'s', 't', 'a', 't', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
enum Loose { loose_idle, loose_busy = 0x10000 };
using Bad = mailbox::layout<mailbox::state<"state", Loose>>;
#else
enum Fixed : std::uint32_t { fixed_idle, fixed_busy = 0x10000 };
using Bad = mailbox::layout<mailbox::state<"state", Fixed>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
