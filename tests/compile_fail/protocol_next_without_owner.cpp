// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a state with next<...> states has no owner<...>, so nobody could leave it
// expect: Step::done
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::in_state<Step::done, mailbox::next<Step::idle>>>;
#else
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>>;
#endif

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
