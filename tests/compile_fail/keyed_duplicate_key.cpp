// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Two alternatives of a keyed union may not share a key; the error names the
// key and both.
// expect: two alternatives have the same key
// expect: Command::copy
// expect: 'c', 'o', 'p', 'y'
// expect: 'm', 'o', 'v', 'e'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr Command move_key = Command::copy;
#else
constexpr Command move_key = Command::info;
#endif
using Control =
    mailbox::keyed<"sub_command", Command,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>>,
                   mailbox::alternative<move_key, "move", mailbox::field<"dst", std::uint64_t>>>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
