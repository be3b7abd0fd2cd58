// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: this state has several owners, so it has no token
// expect: Step::staged
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Parent parent(m.init(Step::staged));
#if defined(MAILBOX_COMPILE_FAIL)
  auto t = parent.try_acquire<Step::staged>();  // parent and child own it: no token, only try_transition
  return t.has_value() ? 1 : 0;
#else
  return parent.try_transition<Step::staged, Step::running>() ? 0 : 1;
#endif
}
