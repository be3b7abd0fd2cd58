// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below (the build uses -Werror); built without, the twin compiles.
// expect: nodiscard
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };
using Task = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>>;

int main() {
  alignas(Task::alignment) std::byte memory[Task::size];
  auto box = mailbox::Mailbox<Task>::initialize(memory, Worker::idle);
#if defined(MAILBOX_COMPILE_FAIL)
  box.try_acquire(Worker::idle);  // a dropped token: the caller never learns if it got one
#else
  auto token = box.try_acquire(Worker::idle);
  (void)token;
#endif
  return 0;
}
