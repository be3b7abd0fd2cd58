// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the next state is not in this state's next<...>
// expect: Step::running
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Child child(m.init(Step::ready));
  auto t = child.acquire<Step::ready>();
#if defined(MAILBOX_COMPILE_FAIL)
  std::move(t).publish<Step::running>();  // ready may go to staged or done only
#else
  std::move(t).publish<Step::staged>();
#endif
  return 0;
}
