// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// The ranges two alternative_groups reserve may not overlap.
// expect: the key_ranges of two alternative_groups overlap
// expect: 'o', 'u', 'r', 's'
// expect: 't', 'h', 'e', 'i', 'r', 's'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
constexpr Command theirs_first = Command{1500};
#else
constexpr Command theirs_first = Command{2000};
#endif
using Ours = mailbox::alternative_group<"ours", mailbox::key_range<Command{1000}, Command{1999}>,
                                        mailbox::alternative<Command{1000}, "resize">>;
using Theirs = mailbox::alternative_group<"theirs", mailbox::key_range<theirs_first, Command{2999}>,
                                          mailbox::alternative<Command{2500}, "rotate">>;
using Control = mailbox::keyed<"sub_command", Command, Ours, Theirs>;
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
