// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: names_a_text_field
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"args", std::uint64_t[4]>,
                          mailbox::field<"message", char[16]>>;

int main() {
  alignas(L::alignment) static std::byte memory[L::size];
  auto box = mailbox::Mailbox<L>::initialize(memory, Worker::idle);
  auto t = box.acquire(Worker::idle);
#if defined(MAILBOX_COMPILE_FAIL)
  return static_cast<int>(t.text<"args">().size());
#else
  return static_cast<int>(t.text<"message">().size());
#endif
}
