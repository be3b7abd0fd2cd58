// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: this member lies in the state word's cache line, which mailbox::state_on_own_cache_line keeps
// expect-gcc: fixed_string<5>{"data"}
// expect-clang: field_named<'d', 'a', 't', 'a'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { writer, reader };

#if defined(MAILBOX_COMPILE_FAIL)
// Pinned at 8: beside the state word, in the line the option keeps for it.
using Bad = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"data", std::uint64_t[8], 8>,
                            mailbox::state_on_own_cache_line>;
#else
using Bad = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"data", std::uint64_t[8], 64>,
                            mailbox::state_on_own_cache_line>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
