// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Two fields of one alternative may not share a name; the error names both the
// alternative and the field.
// expect: two fields of one alternative have the same name
// expect: 'c', 'o', 'p', 'y'
// expect: 's', 'r', 'c'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
using Control =
    mailbox::keyed<"sub_command", Command,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>,
                                        mailbox::field<"src", std::uint64_t>>>;
#else
using Control =
    mailbox::keyed<"sub_command", Command,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>,
                                        mailbox::field<"dst", std::uint64_t>>>;
#endif
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
