// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Fields of one overlay are a struct: they may not overlap each other.
// expect: two fields overlap
// expect-gcc: fixed_string<5>{"arg0"}
// expect-clang: field_named<'a', 'r', 'g', '0'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t, 8>,
                                             mailbox::field<"arg1", std::uint32_t, 12>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t, 8>,
                                             mailbox::field<"arg1", std::uint32_t, 16>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
