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
  auto t = parent.try_acquire<Step::ready>();  // the child owns ready
#else
  auto t = parent.try_acquire<Step::done>();
#endif
  if (t) std::move(*t).abandon();
  return 0;
}
