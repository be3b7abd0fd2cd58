// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// messages below; built without, the corrected twin must compile. The name is
// printed as characters, readable on both compilers, with the closest payload
// field (edit distance, computed at compile time) at the top of the error;
// with none close ("zed"), the payload fields (not the state word) are listed.
// expect: no_field_named<'e', 'r', 'o', 'r'>::did_you_mean<'e', 'r', 'r', 'o', 'r'>
// expect: no_field_named<'z', 'e', 'd'>::fields_are<'e', 'r', 'r', 'o', 'r', ',', ' ', 'a', 'r', 'g', 's'>
// expect-gcc: error: use of deleted function
// expect-clang: error: call to deleted member function 'set'
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
  t.set<"eror">(1);  // one letter short of "error"
  t.set<"zed">(1);   // nothing like any field
#else
  t.set<"error">(1);
#endif
  std::move(t).publish(Worker::busy);
  return 0;
}
