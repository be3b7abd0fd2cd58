// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An overlay's field may not share bytes with the state word.
// expect: two fields overlap
// expect-gcc: fixed_string<6>{"state"}
// expect-clang: field_named<'s', 't', 'a', 't', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::uint32_t, 0>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::uint32_t, 4>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
