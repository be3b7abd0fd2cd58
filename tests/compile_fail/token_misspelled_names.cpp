// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// messages below; built without, the corrected twin must compile. Each token
// accessor, and the free get/span, names the misspelled field and the
// closest one: four independent errors in one compile.
// expect: no_field_named<'a', 'r', 's', 'g'>::did_you_mean<'a', 'r', 'g', 's'>
// expect: no_field_named<'n', 'm', 'a', 'e'>::did_you_mean<'n', 'a', 'm', 'e'>
// expect: no_field_named<'n', 'a', 'm'>::did_you_mean<'n', 'a', 'm', 'e'>
// expect: no_field_named<'e', 'r', 'r', 'r', 'o'>::did_you_mean<'e', 'r', 'r', 'o', 'r'>
// expect-gcc: error: use of deleted function
// expect-clang: error: call to deleted member function 'span'
// expect-clang: error: call to deleted function 'get'
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>,
                          mailbox::field<"name", char[16]>, mailbox::field<"args", std::uint64_t[4]>>;

int main() {
  alignas(L::alignment) static std::byte memory[L::size];
  auto box = mailbox::Mailbox<L>::initialize(memory, Worker::idle);
  auto t = box.acquire(Worker::idle);
#if defined(MAILBOX_COMPILE_FAIL)
  auto args = t.span<"arsg">();
  const auto name = t.text<"nmae">();
  t.set_text<"nam">("worker");
  const int error = mailbox::get<"errro">(t);
#else
  auto args = t.span<"args">();
  const auto name = t.text<"name">();
  t.set_text<"name">("worker");
  const int error = mailbox::get<"error">(t);
#endif
  args[0] = name.size();
  std::move(t).publish(Worker::busy);
  return error;
}
