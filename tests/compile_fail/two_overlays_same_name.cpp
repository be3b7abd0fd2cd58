// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Two overlays may not share a name.
// expect: an overlay's name is already used
// expect-gcc: fixed_string<5>{"task"}
// expect-clang: field_named<'t', 'a', 's', 'k'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"a", std::int64_t>>,
                            mailbox::overlay<"task", mailbox::field<"b", std::int64_t>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"a", std::int64_t>>,
                            mailbox::overlay<"control", mailbox::field<"b", std::int64_t>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
