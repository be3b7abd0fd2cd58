// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the flag's flag_rule<...> does not let this role clear it
// expect: 'a', 'c', 'c', 'e', 'p', 't', 'e', 'd'
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const auto box = m.init(Step::idle);
  const Child child(box);
  child.raise<"accepted">();
#if defined(MAILBOX_COMPILE_FAIL)
  child.clear<"accepted">();  // the child acknowledges; only the parent takes it back
#else
  const Parent parent(box);
  parent.clear<"accepted">();
#endif
  return child.is_raised<"accepted">() ? 1 : 0;
}
