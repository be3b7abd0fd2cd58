// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An alternative_group reserves a key_range<First, Last> with First <= Last.
// expect: mailbox::alternative_group: needs a name (not empty), a mailbox::key_range<First, Last>
// expect: 'u', 's', 'e', 'r'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
using Range = mailbox::key_range<Command{1999}, Command{1000}>;
#else
using Range = mailbox::key_range<Command{1000}, Command{1999}>;
#endif
using User = mailbox::alternative_group<"user", Range, mailbox::alternative<Command{1000}, "resize">>;
using Control = mailbox::keyed<"sub_command", Command, User>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
