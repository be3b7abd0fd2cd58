// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: pinned offset is not a multiple
// expect-gcc: fixed_string<6>{"state"}
// expect-clang: field_named<'s', 't', 'a', 't', 'e'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::field<"tag", char>, mailbox::state<"state", std::uint64_t, 4>>;
#else
using Bad = mailbox::layout<mailbox::field<"tag", char>, mailbox::state<"state", std::uint64_t, 8>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
