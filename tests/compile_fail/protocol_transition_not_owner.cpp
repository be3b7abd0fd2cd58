// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the role does not own this state
// expect: Step::ready
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Parent parent(m.init(Step::ready));
#if defined(MAILBOX_COMPILE_FAIL)
  return parent.try_transition<Step::ready, Step::done>() ? 0 : 1;  // only the child leaves ready
#else
  return parent.try_transition<Step::staged, Step::running>() ? 0 : 1;
#endif
}
