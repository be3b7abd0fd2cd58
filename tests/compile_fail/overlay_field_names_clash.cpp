// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Field names are unique across overlays too: a name means one offset.
// expect: two fields have the same name
// expect-gcc: fixed_string<5>{"arg0"}
// expect-clang: field_named<'a', 'r', 'g', '0'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"arg0", std::int64_t>>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::int64_t>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"arg0", std::int64_t>>,
                            mailbox::overlay<"control", mailbox::field<"arg1", std::int64_t>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
