// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A member array of a packed struct is not aligned for its elements: no span
// of it.
// expect: is_aligned
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
#pragma pack(push, 1)
struct Packed {
  std::uint8_t tag;
  std::uint64_t words[4];  // at offset 1
};
#pragma pack(pop)
MAILBOX_DESCRIBE(Packed, tag, words);
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"packed", Packed>>;

std::uint64_t first(mailbox::Mailbox<Frame>::token& t) {
#if defined(MAILBOX_COMPILE_FAIL)
  return t.span<"packed.words">()[0];
#else
  return t.get<"packed">().words[0];
#endif
}
int main() {}
