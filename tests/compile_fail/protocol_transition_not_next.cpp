// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the next state is not in this state's next<...>
// expect: Step::off
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Child child(m.init(Step::staged));
#if defined(MAILBOX_COMPILE_FAIL)
  return child.try_transition<Step::staged, Step::off>() ? 0 : 1;  // staged never goes to off
#else
  return child.try_transition<Step::staged, Step::done>() ? 0 : 1;
#endif
}
