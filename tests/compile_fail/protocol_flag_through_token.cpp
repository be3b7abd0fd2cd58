// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a flag is not reachable through a token
// expect: 's', 'h', 'u', 't', 'd', 'o', 'w', 'n'
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Parent parent(m.init(Step::idle));
  auto t = parent.acquire<Step::idle>();
#if defined(MAILBOX_COMPILE_FAIL)
  t.set<"shutdown">(1);  // a flag: outside the token discipline
#else
  parent.raise<"shutdown">();
#endif
  std::move(t).publish<Step::off>();
  return 0;
}
