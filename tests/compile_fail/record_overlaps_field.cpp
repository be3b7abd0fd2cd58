// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A committed record takes bytes of its own: it may not overlap a field.
// expect: two fields overlap
// expect-gcc: fixed_string<7>{"report"}
// expect-clang: field_named<'r', 'e', 'p', 'o', 'r', 't'>
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Report {
  std::int32_t code;
  char reason[28];
};

#if defined(MAILBOX_COMPILE_FAIL)
constexpr std::size_t report_at = 8;
#else
constexpr std::size_t report_at = 16;
#endif
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"error", std::int64_t, 8>,
                              mailbox::record<"report", Report, report_at>>;
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
