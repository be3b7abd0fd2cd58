// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// messages below; built without, the corrected twin must compile. publish()
// and abandon() spend the token, so they take it as an rvalue: the message
// says to write std::move, where it used to say "discards qualifiers".
// expect: publish_consumes_the_token_write_std_move_t_publish
// expect: abandon_consumes_the_token_write_std_move_t_abandon
// expect: publish() consumes the token: write std::move(t).publish(...)
// expect-gcc: error: use of deleted function
// expect-clang: error: call to deleted member function 'publish'
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Worker : std::int32_t { idle, busy };
using L = mailbox::layout<mailbox::state<"state", Worker>, mailbox::field<"error", std::int32_t>>;

int main() {
  alignas(L::alignment) static std::byte memory[L::size];
  auto box = mailbox::Mailbox<L>::initialize(memory, Worker::idle);
  auto t = box.acquire(Worker::idle);
  auto u = box.acquire(Worker::idle);  // a second token of the same state, for abandon()
#if defined(MAILBOX_COMPILE_FAIL)
  t.publish(Worker::busy);
  u.abandon();
#else
  std::move(u).abandon();
  std::move(t).publish(Worker::busy);
#endif
  return 0;
}
