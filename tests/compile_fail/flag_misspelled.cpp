// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile. The closest
// flag is suggested (payload fields are not flags).
// expect: no_flag_named<'s', 'h', 'u', 't', 'd', 'w', 'n'>::did_you_mean<
// expect: ::did_you_mean<'s', 'h', 'u', 't', 'd', 'o', 'w', 'n'>
// expect-gcc: error: use of deleted function
// expect-clang: error: call to deleted member function 'raise'
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, busy };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                              mailbox::flag<"shutdown", std::int32_t>, mailbox::flag<"seen", std::int32_t>>;

int main() {
  alignas(Frame::alignment) static std::byte memory[Frame::size];
  const auto box = mailbox::Mailbox<Frame>::initialize(memory, Step::idle);
#if defined(MAILBOX_COMPILE_FAIL)
  box.raise<"shutdwn">();
#else
  box.raise<"shutdown">();
#endif
  return box.is_raised<"seen">() ? 1 : 0;
}
