// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A described struct's member may not be bool: the payload rules hold member
// by member.
// expect: a payload type may not be bool
// expect: 'r', 'e', 'a', 'd', 'y'
// expect: in_described_struct_member
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Status {
  std::uint32_t code;
#if defined(MAILBOX_COMPILE_FAIL)
  bool ready;
#else
  std::uint8_t ready;
#endif
};
MAILBOX_DESCRIBE(Status, code, ready);

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"status", Status>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
