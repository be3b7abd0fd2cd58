// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A pinned offset near SIZE_MAX: offset + size wraps around to a small
// number, and set<"x"> would write before the region.
// expect: a field's offset plus its size does not fit in std::size_t
// expect-gcc: fixed_string<2>{"x"}
// expect-clang: field_named<'x'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"x", std::uint64_t, SIZE_MAX - 7>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"x", std::uint64_t, 8>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
