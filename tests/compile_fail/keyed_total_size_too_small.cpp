// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A keyed union's pinned total_size holds every alternative: the field that
// ends past it is named.
// expect: ends past the union's mailbox::total_size
// expect: 's', 'r', 'c'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr std::size_t room = 12;
#else
constexpr std::size_t room = 64;
#endif
using Control =
    mailbox::keyed<"sub_command", Command,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>>,
                   mailbox::total_size<room>>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
