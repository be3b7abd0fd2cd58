// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: two fields overlap (only fields of two different overlays may share bytes; the state word
// expect-gcc: fixed_string<6>{"state"}
// expect-clang: field_named<'s', 't', 'a', 't', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t, 0>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t, 4>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
