// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the field belongs to an overlay that this state's views<...> do not allow
// expect: 'a', 'r', 'g', '0'
// expect: Step::request
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Child child(m.init(Step::request));
  auto t = child.acquire<Step::request>();
#if defined(MAILBOX_COMPILE_FAIL)
  t.set<"arg0">(7);  // arg0 is in the control overlay; request views task only
#else
  t.span<"words">()[0] = 7;
#endif
  std::move(t).publish<Step::reply>();
  return 0;
}
