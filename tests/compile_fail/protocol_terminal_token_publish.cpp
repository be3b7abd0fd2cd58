// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: publish
// expect: is_terminal
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Parent parent(m.init(Step::report));
  auto t = parent.acquire<Step::report>();  // terminal: read by its owner, never handed on
  const auto first = t.span<"words">()[0];
#if defined(MAILBOX_COMPILE_FAIL)
  std::move(t).publish<Step::idle>();
#else
  std::move(t).abandon();  // or simply let it go
#endif
  return first == 0 ? 0 : 1;
}
