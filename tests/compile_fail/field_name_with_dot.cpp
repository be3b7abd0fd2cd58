// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A layout's field name may not contain '.', which separates a field from its
// member.
// expect: a name may not contain '.'
// expect-gcc: fixed_string<4>{"a.b"}
// expect-clang: field_named<'a', '.', 'b'>
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
#if defined(MAILBOX_COMPILE_FAIL)
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"a.b", std::uint32_t>>;
#else
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"a_b", std::uint32_t>>;
#endif
int main() { return mailbox::Mailbox<Frame>::required_size == 0; }
