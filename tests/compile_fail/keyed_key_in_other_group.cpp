// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// No alternative outside a group may take a key in the range the group
// reserves.
// expect: lies in the key_range another alternative_group reserves
// expect: (Command)1500
// expect: 'u', 's', 'e', 'r'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr Command reset = Command{1500};
#else
constexpr Command reset = Command{5};
#endif
using User = mailbox::alternative_group<"user", mailbox::key_range<Command{1000}, Command{1999}>,
                                        mailbox::alternative<Command{1000}, "resize">>;
using Control = mailbox::keyed<"sub_command", Command, mailbox::alternative<reset, "reset">, User>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
