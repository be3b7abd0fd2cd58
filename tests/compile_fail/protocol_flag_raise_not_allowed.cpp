// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the flag's flag_rule<...> does not let this role raise it
// expect: 's', 'h', 'u', 't', 'd', 'o', 'w', 'n'
#include "protocol_common.hpp"

int main() {
  frame_memory m;
  const auto box = m.init(Step::idle);
  const Child child(box);
#if defined(MAILBOX_COMPILE_FAIL)
  child.raise<"shutdown">();  // raised_by<"parent"> only
#else
  child.raise<"accepted">();
  const Parent parent(box);
  parent.raise<"shutdown">();
  child.raise<"progress">();  // no flag_rule: free for every role
#endif
  return child.is_raised<"shutdown">() ? 0 : 1;  // anyone reads
}
