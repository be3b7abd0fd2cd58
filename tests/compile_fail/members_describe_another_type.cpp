// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A description found for a type must describe that type itself.
// expect: the description found for this type describes another type
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Limits {
  std::uint32_t cpu;
};
struct Quota {
  std::uint32_t cpu;
};
MAILBOX_DESCRIBE(Quota, cpu);
#if defined(MAILBOX_COMPILE_FAIL)
constexpr auto mailbox_describe(mailbox::type_tag<Limits>)
    -> mailbox::members<Quota, MAILBOX_MEMBER(Quota, cpu)> {
  return {};
}
#else
MAILBOX_DESCRIBE(Limits, cpu);
#endif

using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"limits", Limits>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
