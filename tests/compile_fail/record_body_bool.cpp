// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A committed record's body follows the payload rules.
// expect: a payload field may not be bool
// expect-gcc: fixed_string<6>{"ready"}
// expect-clang: field_named<'r', 'e', 'a', 'd', 'y'>
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Report {
  std::int32_t code;
  char reason[28];
};

#if defined(MAILBOX_COMPILE_FAIL)
using Body = bool;
#else
using Body = std::uint8_t;
#endif
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::record<"ready", Body>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
