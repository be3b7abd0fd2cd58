// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// c_definitions() upper-cases field names and turns other characters into
// '_', so "a-b" and "a_b" would both be written as X_A_B_OFFSET.
// expect: two names give the same C identifier
// expect: 'a', '-', 'b'
// expect: 'a', '_', 'b'
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Clash = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"a-b", std::int32_t>,
                              mailbox::field<"a_b", std::int32_t>>;
#else
using Clash = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"a-b", std::int32_t>,
                              mailbox::field<"a_c", std::int32_t>>;
#endif

int main() { return mailbox::c_definitions<Clash>("X").empty() ? 1 : 0; }
