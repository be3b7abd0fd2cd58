// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a state with several owners is followed by another state with several owners
// expect: Step::staged
// expect: Step::running
#include "protocol_common.hpp"

using Broken = mailbox::protocol<
    Frame, mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::staged>>,
    mailbox::in_state<Step::staged, mailbox::owner<"parent", "child">, mailbox::next<Step::running>>,
#if defined(MAILBOX_COMPILE_FAIL)
    // Both own running too: it would be entered by a CAS, with nothing
    // written for it first.
    mailbox::in_state<Step::running, mailbox::owner<"parent", "child">, mailbox::next<Step::idle>>>;
#else
    mailbox::in_state<Step::running, mailbox::owner<"child">, mailbox::next<Step::idle>>>;
#endif

int main() {
  frame_memory m;
  const mailbox::endpoint<Broken, "parent"> parent(m.init(Step::staged));
  return parent.try_transition<Step::staged, Step::running>() ? 0 : 1;
}
