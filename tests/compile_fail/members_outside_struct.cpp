// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A member of a described struct ends past the struct (a hand-written
// description).
// expect: a member ends past the end of the struct
// expect: 'h', 'i', 'g', 'h'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

struct Word {
  std::uint32_t low;
  std::uint32_t high;
};
#if defined(MAILBOX_COMPILE_FAIL)
constexpr auto mailbox_describe(mailbox::type_tag<Word>)
    -> mailbox::members<Word, mailbox::member<"low", std::uint32_t, 0>,
                        mailbox::member<"high", std::uint32_t, 6>> {
  return {};
}
#else
constexpr auto mailbox_describe(mailbox::type_tag<Word>)
    -> mailbox::members<Word, mailbox::member<"low", std::uint32_t, 0>,
                        mailbox::member<"high", std::uint32_t, 4>> {
  return {};
}
#endif

static_assert(mailbox::described_members<Word>::is_valid);
int main() {}
