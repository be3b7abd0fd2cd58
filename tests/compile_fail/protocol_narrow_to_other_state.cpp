// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: narrow<S>() names a state the token was not acquired for
// expect: Step::idle
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Child child(m.init(Step::running));
  auto r = child.acquire_any<Step::ready, Step::running>(mailbox::spin{});
  if (!r) return 1;
#if defined(MAILBOX_COMPILE_FAIL)
  auto t = r->narrow<Step::idle>();  // the token holds ready or running, never idle
#else
  auto t = r->narrow<Step::running>();
#endif
  if (!t) return 1;
  std::move(*t).publish<Step::done>();
  return 0;
}
