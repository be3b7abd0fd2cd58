// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: needs exactly one mailbox::state<...>
// expect: found several
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::state<"other", Worker>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"other", Worker>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
