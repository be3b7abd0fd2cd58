// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An alternative's fields are reached only through its key: no path names
// them.
// expect: 'c', 'o', 'm', 'm', 'a', 'n', 'd', '.', 'c', 'o', 'p', 'y', '.', 's', 'r', 'c'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

using Control =
    mailbox::keyed<"sub_command", Command, mailbox::alternative<Command::ping, "ping">,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>>,
                   mailbox::alternative<Command::info, "info", mailbox::field<"bytes", std::uint64_t>>>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
using Token = mailbox::Mailbox<Frame>::token;

std::uint64_t source(Token& t) {
#if defined(MAILBOX_COMPILE_FAIL)
  return t.get<"command.copy.src">();
#else
  auto copy = t.alternative<"command", Command::copy>();
  return copy ? copy->get<"src">() : 0;
#endif
}
int main() {}
