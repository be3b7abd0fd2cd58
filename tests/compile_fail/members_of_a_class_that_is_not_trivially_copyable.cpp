// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// Only a trivially copyable class has members a peer may read as bytes.
// expect: the described type must be a trivially copyable class
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

struct Counter {
  std::uint32_t value;
#if defined(MAILBOX_COMPILE_FAIL)
  Counter() = default;
  Counter(const Counter& other) : value(other.value + 1) {}
#endif
};
MAILBOX_DESCRIBE(Counter, value);

static_assert(mailbox::described_members<Counter>::is_valid);
int main() {}
