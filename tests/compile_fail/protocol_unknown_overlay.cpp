// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: views<...> names an overlay the layout does not declare
// expect: no_overlay_named<'t', 'a', 's', 'k', 's'>::did_you_mean<'t', 'a', 's', 'k'>
// expect: Step::request
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::request>>,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::in_state<Step::request, mailbox::owner<"child">, mailbox::views<"tasks">,
                                        mailbox::next<Step::idle>>>;
#else
                      mailbox::in_state<Step::request, mailbox::owner<"child">, mailbox::views<"task">,
                                        mailbox::next<Step::idle>>>;
#endif

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
