// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// messages below; built without, the corrected twin must compile. An
// endpoint names a misspelled role with the closest role of the protocol;
// its token names a misspelled field as a Mailbox token does, and is spent by
// publish<Next>(), which says so on an lvalue.
// expect: no state of the protocol has this role among its owner<...>
// expect: no_role_named<'c', 'h', 'l', 'i', 'd'>::did_you_mean<'c', 'h', 'i', 'l', 'd'>
// expect: no_field_named<'a', 'g', '0'>::did_you_mean<'a', 'r', 'g', '0'>
// expect: publish_consumes_the_token_write_std_move_t_publish
// expect: publish() consumes the token: write std::move(t).publish<Next>()
// expect-gcc: error: use of deleted function
// expect-clang: error: call to deleted member function 'publish'
// expect-clang: error: call to deleted member function 'set'
#include <mailbox/endpoint.hpp>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, request, off };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                              mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>>,
                              mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>>>;
using Worker =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::views<"control">,
                                        mailbox::next<Step::request, Step::off>>,
                      mailbox::in_state<Step::request, mailbox::owner<"child">, mailbox::next<Step::idle>>,
                      mailbox::in_state<Step::off>>;

#if defined(MAILBOX_COMPILE_FAIL)
using Child = mailbox::endpoint<Worker, "chlid">;  // a typo of "child"
#else
using Child = mailbox::endpoint<Worker, "child">;
#endif

int main() {
  alignas(Frame::alignment) std::byte memory[Frame::size];
  const auto box = mailbox::Mailbox<Frame>::initialize(memory, Step::idle);
  const mailbox::endpoint<Worker, "parent"> parent(box);
  auto t = parent.acquire<Step::idle>();
#if defined(MAILBOX_COMPILE_FAIL)
  t.set<"ag0">(7);
  t.publish<Step::request>();
#else
  t.set<"arg0">(7);
  std::move(t).publish<Step::request>();
#endif
  const Child child(box);
  return child.state() == Step::request ? 0 : 1;
}
