// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: gives an edge to a role that does not own this state
// expect: Step::ready
#include "protocol_common.hpp"

using Broken = mailbox::protocol<
    Frame, mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::ready>>,
#if defined(MAILBOX_COMPILE_FAIL)
    mailbox::in_state<Step::ready, mailbox::owner<"child">, mailbox::next<mailbox::by<"parent", Step::done>>>,
#else
    mailbox::in_state<Step::ready, mailbox::owner<"child">, mailbox::next<mailbox::by<"child", Step::done>>>,
#endif
    mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::next<Step::idle>>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
