// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// A path must name a member of the field's described struct.
// expect: 'c', 'o', 'n', 'f', 'i', 'g', '.', 't', 'i', 'm', 'e', 'o', 'u', 't'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
struct Config {
  std::uint32_t call_id;
  std::uint64_t timeout_ms;
};
MAILBOX_DESCRIBE(Config, call_id, timeout_ms);
using Frame = mailbox::layout<mailbox::state<"state", S>, mailbox::field<"config", Config>>;

int read(mailbox::Mailbox<Frame>::token& t) {
#if defined(MAILBOX_COMPILE_FAIL)
  return static_cast<int>(t.get<"config.timeout">());
#else
  return static_cast<int>(t.get<"config.timeout_ms">());
#endif
}
int main() {}
