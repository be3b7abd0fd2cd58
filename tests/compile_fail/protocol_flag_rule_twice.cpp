// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a flag has more than one flag_rule<...>
// expect: 's', 'h', 'u', 't', 'd', 'o', 'w', 'n'
#include "protocol_common.hpp"

using Broken =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>,
#if defined(MAILBOX_COMPILE_FAIL)
                      mailbox::flag_rule<"shutdown", mailbox::raised_by<"child">>,
#endif
                      mailbox::flag_rule<"shutdown", mailbox::raised_by<"parent">>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
