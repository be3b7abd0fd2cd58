// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: this member lies in the state word's cache line, which mailbox::state_on_own_cache_line keeps
// expect-gcc: fixed_string<5>{"head"}
// expect-clang: field_named<'h', 'e', 'a', 'd'>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { writer, reader };

#if defined(MAILBOX_COMPILE_FAIL)
// The state word pinned at 32: the computed "head" (0..8) shares its line.
using Bad = mailbox::layout<mailbox::field<"head", std::uint64_t>, mailbox::state<"turn", Turn, 32>,
                            mailbox::state_on_own_cache_line>;
#else
using Bad = mailbox::layout<mailbox::field<"head", std::uint64_t>, mailbox::state<"turn", Turn, 64>,
                            mailbox::state_on_own_cache_line>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
