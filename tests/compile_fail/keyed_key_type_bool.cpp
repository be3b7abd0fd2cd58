// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A keyed union's key is an integer or an enum with a fixed underlying type,
// not bool.
// expect: the key type must be an integer (not bool)
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#if defined(MAILBOX_COMPILE_FAIL)
using Control = mailbox::keyed<"flag", bool, mailbox::alternative<true, "yes">>;
#else
using Control = mailbox::keyed<"flag", std::uint8_t, mailbox::alternative<1, "yes">>;
#endif
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"command", Control>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
