// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the next state is not in this state's next<...>
// expect: Step::running
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Child child(m.init(Step::running));
  auto r = child.acquire_any<Step::ready, Step::running>(mailbox::spin{});
  if (!r) return 1;
#if defined(MAILBOX_COMPILE_FAIL)
  std::move(*r).publish<Step::staged>();  // legal from ready, not from running
#else
  std::move(*r).publish<Step::done>();  // legal from both
#endif
  return 0;
}
