// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: accepts only mailbox::field<...>, mailbox::state<...>, mailbox::flag<...>
// expect: mailbox::overlay<...> and mailbox::total_size<...>
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, int>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"i", int> >;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
