// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: no state of the protocol has this role among its owner<...>
// expect: 'w', 'o', 'r', 'k', 'e', 'r'
#include "protocol_common.hpp"

#if defined(MAILBOX_COMPILE_FAIL)
using Side = mailbox::endpoint<Worker, "worker">;  // the protocol says "child"
#else
using Side = mailbox::endpoint<Worker, "child">;
#endif

int main() {
  frame_memory m;
  const Side side(m.init(Step::ready));
  return side.state() == Step::ready ? 0 : 1;
}
