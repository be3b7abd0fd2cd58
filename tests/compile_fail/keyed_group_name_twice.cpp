// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Two alternative_groups of one union may not share a name.
// expect: two alternative_groups have the same name
// expect: 'u', 's', 'e', 'r'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr mailbox::fixed_string second = "user";
#else
constexpr mailbox::fixed_string second = "team";
#endif
using User = mailbox::alternative_group<"user", mailbox::key_range<Command{1000}, Command{1999}>,
                                        mailbox::alternative<Command{1000}, "resize">>;
using Team = mailbox::alternative_group<second, mailbox::key_range<Command{2000}, Command{2999}>,
                                        mailbox::alternative<Command{2000}, "rotate">>;
using Control = mailbox::keyed<"sub_command", Command, User, Team>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
