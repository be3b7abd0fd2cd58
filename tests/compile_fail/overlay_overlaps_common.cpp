// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A common field may not share bytes with an overlay's field.
// expect: two fields overlap
// expect-gcc: fixed_string<6>{"error"}
// expect-clang: field_named<'e', 'r', 'r', 'o', 'r'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t, 8>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t, 8>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t, 4>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t, 8>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
