// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: an in_state<...> gives owner<...>, views<...> or next<...> twice
// expect: Step::done
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>,
                                        mailbox::next<Step::off>>,
#else
                      mailbox::in_state<Step::done, mailbox::owner<"child">,
                                        mailbox::next<Step::idle, Step::off>>,
#endif
                      mailbox::in_state<Step::off>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
