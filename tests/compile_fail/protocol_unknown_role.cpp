// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile. No role is
// close to "worker", so the message lists the protocol's roles.
// expect: no state of the protocol has this role among its owner<...>
// expect: no_role_named<'w', 'o', 'r', 'k', 'e', 'r'>::roles_are<
// expect: ::roles_are<'p', 'a', 'r', 'e', 'n', 't', ',', ' ', 'c', 'h', 'i', 'l', 'd'>
#include "protocol_common.hpp"

#if defined(MAILBOX_COMPILE_FAIL)
using Side = mailbox::endpoint<Worker, "worker">;  // the protocol says "child"
#else
using Side = mailbox::endpoint<Worker, "child">;
#endif

int main() {
  frame_memory m;
  const Side side(m.init(Step::ready));
  return side.state() == Step::ready ? 0 : 1;
}
