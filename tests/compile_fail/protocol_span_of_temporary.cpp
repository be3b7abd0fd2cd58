// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: span
// expect-gcc: use of deleted function
// expect-clang: call to deleted member function
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const Parent parent(m.init(Step::done));
#if defined(MAILBOX_COMPILE_FAIL)
  auto words = parent.acquire<Step::done>().span<"words">();  // the token dies at the semicolon
  return words[0] == 0 ? 0 : 1;
#else
  auto t = parent.acquire<Step::done>();
  auto words = t.span<"words">();
  const bool zero = words[0] == 0;
  std::move(t).publish<Step::idle>();
  return zero ? 0 : 1;
#endif
}
