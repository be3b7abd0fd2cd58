// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A described struct's member may not be a pointer: it means nothing in
// another process.
// expect: a payload type may not be a pointer
// expect: 'n', 'e', 'x', 't'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Node {
  std::uint32_t value;
#if defined(MAILBOX_COMPILE_FAIL)
  Node* next;
#else
  std::uint64_t next;
#endif
};
MAILBOX_DESCRIBE(Node, value, next);

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"node", Node>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
