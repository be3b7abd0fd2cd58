// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a state is ruled by more than one in_state<...>
// expect: Step::done
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
                      mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::next<Step::idle>>
#if defined(MAILBOX_COMPILE_FAIL)
                      ,
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>
#endif
                      >;

int main() { return mailbox::protocol_fingerprint<Broken> == 0 ? 1 : 0; }
