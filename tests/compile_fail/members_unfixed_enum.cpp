// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A described struct's member may not be an enum without a fixed underlying
// type.
// expect: a payload enum needs a fixed underlying type
// expect: 'm', 'o', 'd', 'e'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
#if defined(MAILBOX_COMPILE_FAIL)
enum Mode { fast, slow };
#else
enum Mode : std::int32_t { fast, slow };
#endif
struct Setting {
  std::uint32_t level;
  Mode mode;
};
MAILBOX_DESCRIBE(Setting, level, mode);

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"setting", Setting>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
