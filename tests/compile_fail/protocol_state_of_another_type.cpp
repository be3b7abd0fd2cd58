// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: does not have the layout's state type exactly
// expect: Other::done
#include "protocol_common.hpp"

enum class Other : std::int32_t { idle, done };
using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::in_state<Other::done, mailbox::owner<"child">, mailbox::next<Step::idle>>>;
#else
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>>;
#endif

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
