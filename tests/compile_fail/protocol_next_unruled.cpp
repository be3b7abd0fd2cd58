// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a next<...> state has no in_state<...> rule of its own
// expect: Step::running
#include "protocol_common.hpp"

using Broken = mailbox::protocol<
    Frame, mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::ready>>,
    mailbox::in_state<Step::ready, mailbox::owner<"child">, mailbox::next<Step::running, Step::done>>,
#if !defined(MAILBOX_COMPILE_FAIL)
    mailbox::in_state<Step::running, mailbox::owner<"child">, mailbox::next<Step::done>>,
#endif
    mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::next<Step::idle>>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
