// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A field "header" would write X_HEADER_SIZE, which c_definitions() already
// writes for the header's size.
// expect: two names give the same C identifier
// expect: 'h', 'e', 'a', 'd', 'e', 'r'
// expect: 'H', 'E', 'A', 'D', 'E', 'R', '_', 'S', 'I', 'Z', 'E'
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Clash = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"header", std::int32_t>>;
#else
using Clash = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"heading", std::int32_t>>;
#endif

int main() { return mailbox::c_definitions<Clash>("X").empty() ? 1 : 0; }
