// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// c_definitions() names a member FIELD_MEMBER, so a field "config_timeout" and
// member timeout of field config would both be X_CONFIG_TIMEOUT_OFFSET.
// expect: two names give the same C identifier
// expect: 'c', 'o', 'n', 'f', 'i', 'g', '.', 't', 'i', 'm', 'e', 'o', 'u', 't'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

#include <string>
enum class S : std::int32_t { idle, busy };
struct Config {
  std::uint32_t timeout;
};
MAILBOX_DESCRIBE(Config, timeout);
#if defined(MAILBOX_COMPILE_FAIL)
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"config", Config>,
                              mailbox::field<"config_timeout", std::uint32_t>>;
#else
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"config", Config>,
                              mailbox::field<"config_deadline", std::uint32_t>>;
#endif
int main() { return mailbox::c_definitions<Frame>("X").empty() ? 1 : 0; }
