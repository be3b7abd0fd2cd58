// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Two members of a described struct share a name.
// expect: two members have the same name
// expect: 'c', 'p', 'u'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

struct Limits {
  std::uint32_t cpu;
  std::uint32_t memory;
};
#if defined(MAILBOX_COMPILE_FAIL)
constexpr auto mailbox_describe(mailbox::type_tag<Limits>)
    -> mailbox::members<Limits, mailbox::member<"cpu", std::uint32_t, 0>,
                        mailbox::member<"cpu", std::uint32_t, 4>> {
  return {};
}
#else
constexpr auto mailbox_describe(mailbox::type_tag<Limits>)
    -> mailbox::members<Limits, mailbox::member<"cpu", std::uint32_t, 0>,
                        mailbox::member<"memory", std::uint32_t, 4>> {
  return {};
}
#endif

static_assert(mailbox::described_members<Limits>::is_valid);
int main() {}
