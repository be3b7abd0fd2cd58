// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A pinned field of an alternative is aligned for its type.
// expect: a pinned offset is not a multiple of the field type's alignment
// expect: 's', 'r', 'c'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr std::size_t src_at = 12;
#else
constexpr std::size_t src_at = 16;
#endif
using Control =
    mailbox::keyed<"sub_command", Command,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t, src_at>>>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
