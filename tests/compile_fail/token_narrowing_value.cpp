// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile. The
// diagnostic names the field readably, as mailbox::field_named<...> chars,
// and the claim about it that failed.
// expect: field_named<'e', 'r', 'r', 'o', 'r'>
// expect: value_converts_without_narrowing
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
  const std::int64_t wide = box.state() == Worker::idle ? 1 : 2;
  t.set<"error">(wide);  // int64 into an int32 field
#else
  const std::int32_t fits = box.state() == Worker::idle ? 1 : 2;
  t.set<"error">(fits);
#endif
  std::move(t).publish(Worker::busy);
  return 0;
}
