// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A flag must survive every state, so no overlay may reuse its bytes.
// expect: two fields overlap
// expect-gcc: fixed_string<5>{"args"}
// expect-clang: field_named<'a', 'r', 'g', 's'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"args", std::uint64_t[4], 8>>,
                            mailbox::flag<"shutdown", std::int32_t, 16>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"args", std::uint64_t[4], 8>>,
                            mailbox::flag<"shutdown", std::int32_t, 40>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
