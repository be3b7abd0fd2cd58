// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile. The
// diagnostic names the field readably, as mailbox::field_named<...> chars,
// and the claim about it that failed.
// expect: field_named<'a', 'r', 'g', 's'>
// expect: is_a_scalar_field
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                          mailbox::field<"args", std::uint64_t[4]>>;

int main() {
  alignas(L::alignment) static std::byte memory[L::size];
  auto box = mailbox::Mailbox<L>::initialize(memory, Worker::idle);
  auto t = box.acquire(Worker::idle);
#if defined(MAILBOX_COMPILE_FAIL)
  return static_cast<int>(t.get<"args">());  // arrays: span<"args">()
#else
  return static_cast<int>(t.span<"args">()[0]);
#endif
  std::move(t).publish(Worker::busy);
  return 0;
}
