// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the layout declares mailbox::valid_states<...> and this state is not one of them
// expect: Step::off
#include "protocol_common.hpp"

using Listed = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                               mailbox::valid_states<Step::idle, Step::done
#if !defined(MAILBOX_COMPILE_FAIL)
                                                     ,
                                                     Step::off
#endif
                                                     >>;
using Broken =
    mailbox::protocol<Listed,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::off>>,
                      mailbox::in_state<Step::off>>;

int main() { return mailbox::to_dot<Broken>().empty() ? 1 : 0; }
