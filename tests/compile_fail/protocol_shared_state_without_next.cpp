// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a state with several owners has no next<...>
// expect: Step::staged
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::staged>>,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::in_state<Step::staged, mailbox::owner<"parent", "child">>>;
#else
                      mailbox::in_state<Step::staged, mailbox::owner<"parent", "child">,
                                        mailbox::next<Step::off>>,
                      mailbox::in_state<Step::off>>;
#endif

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
