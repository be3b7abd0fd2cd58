// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A member's name may not contain '.', which separates the parts of a path.
// expect: a member's name may not contain '.'
// expect: 'a', '.', 'b'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

struct Word {
  std::uint32_t low;
  std::uint32_t high;
};
#if defined(MAILBOX_COMPILE_FAIL)
constexpr auto mailbox_describe(mailbox::type_tag<Word>)
    -> mailbox::members<Word, mailbox::member<"a.b", std::uint32_t, 0>> {
  return {};
}
#else
constexpr auto mailbox_describe(mailbox::type_tag<Word>)
    -> mailbox::members<Word, mailbox::member<"a_b", std::uint32_t, 0>> {
  return {};
}
#endif

static_assert(mailbox::described_members<Word>::is_valid);
int main() {}
