// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a field ends past mailbox::total_size
// expect-gcc: fixed_string<10>{"error_msg"}
// expect-clang: field_named<'e', 'r', 'r', 'o', 'r', '_', 'm', 's', 'g'>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error_msg", char[256]>,
                            mailbox::total_size<256>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error_msg", char[252]>,
                            mailbox::total_size<256>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
