// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A committed record is a common member, never part of an overlay.
// expect: holds only mailbox::field<...>
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Report {
  std::int32_t code;
  char reason[28];
};

#if defined(MAILBOX_COMPILE_FAIL)
using Frame =
    mailbox::layout<mailbox::state<"state", S>, mailbox::overlay<"task", mailbox::record<"report", Report>>>;
#else
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::record<"report", Report>>;
#endif
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
