// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Names are unique across the layout: an overlay may not take a field's name.
// expect: an overlay's name is already used
// expect-gcc: fixed_string<6>{"error"}
// expect-clang: field_named<'e', 'r', 'r', 'o', 'r'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                            mailbox::overlay<"error", mailbox::field<"code", std::int64_t>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                            mailbox::overlay<"failure", mailbox::field<"code", std::int64_t>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
