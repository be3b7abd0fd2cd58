// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: no path of next<...> edges leads from an initial state to this state
// expect: Step::report
#include "protocol_common.hpp"

using Broken = mailbox::protocol<
    Frame, mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
#if defined(MAILBOX_COMPILE_FAIL)
    mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>,  // report: never
#else
    mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle, Step::report>>,
#endif
    mailbox::in_state<Step::report, mailbox::owner<"parent">>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
