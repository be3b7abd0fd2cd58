// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Two alternatives of a keyed union may not share a name.
// expect: two alternatives have the same name
// expect: 'c', 'o', 'p', 'y'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
using Control = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::copy, "copy">,
                               mailbox::alternative<Command::info, "copy">>;
#else
using Control = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::copy, "copy">,
                               mailbox::alternative<Command::info, "info">>;
#endif
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
