// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An alternative may not take the key's name (nor an empty one).
// expect: an alternative's name must not be empty nor contain '.', nor be the
// expect: 's', 'u', 'b', '_', 'c', 'o', 'm', 'm', 'a', 'n', 'd'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
using Control = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::copy, "sub_command">>;
#else
using Control = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::copy, "copy">>;
#endif
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
