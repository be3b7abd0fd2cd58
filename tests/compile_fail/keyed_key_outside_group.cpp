// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A group's alternatives take keys from the range it reserves.
// expect: lies outside the key_range of its alternative_group
// expect: (Command)2000
// expect: 'u', 's', 'e', 'r'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr Command resize = Command{2000};
#else
constexpr Command resize = Command{1000};
#endif
using User =
    mailbox::alternative_group<"user", mailbox::key_range<Command{1000}, Command{1999}>,
                               mailbox::alternative<resize, "resize", mailbox::field<"rows", std::int32_t>>>;
using Control = mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::copy, "copy">, User>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
