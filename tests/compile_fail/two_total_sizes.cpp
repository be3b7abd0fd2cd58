// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: more than one mailbox::total_size
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::total_size<64>, mailbox::total_size<128>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>, mailbox::total_size<128>>;
#endif

int main() { return static_cast<int>(Bad::size) == 0; }
