// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A 20-byte layout with an 8-byte field: the second mailbox of an array
// would put that field at offset 28, misaligned.
// expect: mailbox::total_size<N> is not a multiple of the layout's alignment
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"x", std::uint64_t>,
                            mailbox::total_size<20>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"x", std::uint64_t>,
                            mailbox::total_size<24>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
