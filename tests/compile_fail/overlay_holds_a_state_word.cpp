// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An overlay holds payload fields only.
// expect: mailbox::overlay: holds only mailbox::field<...>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::state<"other", Worker>>>;
#else
using Bad = mailbox::layout<mailbox::state<"state", Worker>,
                            mailbox::overlay<"task", mailbox::field<"other", Worker>>>;
#endif

int main() { return mailbox::valid_layout<Bad> ? 0 : 1; }
