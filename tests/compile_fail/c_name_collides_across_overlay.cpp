// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// c_definitions() names a field of an overlay OVERLAY_FIELD, so a common
// field "control_arg0" and field "arg0" of overlay "control" would both be
// written as X_CONTROL_ARG0_OFFSET.
// expect: two names give the same C identifier
// expect: 'c', 'o', 'n', 't', 'r', 'o', 'l', '_', 'a', 'r', 'g', '0'
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <string>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Clash = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"control_arg0", std::int32_t>,
                              mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>>>;
#else
using Clash = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"control_arg1", std::int32_t>,
                              mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>>>;
#endif

int main() { return mailbox::c_definitions<Clash>("X").empty() ? 1 : 0; }
