// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the state type must be a 4- or 8-byte integer (not bool)
// expect-gcc: fixed_string<6>{"state"}
// expect-clang: field_named<'s', 't', 'a', 't', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", bool>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", std::uint32_t>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
