// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: initial<...> names a state that has no in_state<...> rule
// expect: Step::unused
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::initial<Step::idle, Step::unused>,
#else
                      mailbox::initial<Step::idle>,
#endif
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
