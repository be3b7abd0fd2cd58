// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: try_transition<From, To>() leaves only a state with several owners
// expect: Step::idle
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Parent parent(m.init(Step::idle));
#if defined(MAILBOX_COMPILE_FAIL)
  // The parent owns idle alone: a CAS to request would hand the child a
  // payload nobody wrote (the parent's stale writes), and a stale idle token
  // of the parent's could publish over the child's answer.
  return parent.try_transition<Step::idle, Step::request>() ? 0 : 1;
#else
  auto t = parent.acquire<Step::idle>();
  t.set<"arg0">(7);
  std::move(t).publish<Step::request>();
  return parent.try_transition<Step::staged, Step::running>() ? 0 : 1;
#endif
}
