// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: spin_then_block needs a layout that declares mailbox::blocking_waiters
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };

#if defined(MAILBOX_COMPILE_FAIL)
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"x", int>>;
#else
using L =
    mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"x", int>, mailbox::blocking_waiters>;
#endif

int main() {
  alignas(L::alignment) static std::byte memory[L::size];
  auto box = mailbox::Mailbox<L>::initialize(memory, Worker::idle);
  return box.acquire(Worker::idle, mailbox::spin_then_block{}).has_value() ? 0 : 1;
}
