// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A field of an alternative follows the payload rules: no bool.
// expect: a payload type may not be bool
// expect: 'd', 'o', 'n', 'e'
// expect: in_alternative<
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
using Done = bool;
#else
using Done = std::uint8_t;
#endif
using Control = mailbox::keyed<"sub_command", Command,
                               mailbox::alternative<Command::copy, "copy", mailbox::field<"done", Done>>>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
