// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the protocol gives this edge to another owner of the state
// expect: Step::running
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Child child(m.init(Step::staged));
#if defined(MAILBOX_COMPILE_FAIL)
  return child.try_transition<Step::staged, Step::running>() ? 0 : 1;  // by<"parent", Step::running>
#else
  return child.try_transition<Step::staged, Step::done>() ? 0 : 1;  // by<"child", Step::done>
#endif
}
