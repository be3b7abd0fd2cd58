// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// An endpoint token reaches a keyed field only in a state that views its
// overlay.
// expect: the field belongs to an overlay that this state's views<...> do
// expect: S::busy
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class S : std::int32_t { idle, busy };
enum class Command : std::uint32_t { ping = 1, copy = 2, info = 3 };

#include <mailbox/endpoint.hpp>
using Control =
    mailbox::keyed<"sub_command", Command,
                   mailbox::alternative<Command::copy, "copy", mailbox::field<"src", std::uint64_t>>>;
using Frame = mailbox::layout<mailbox::state<"state", S>,
                              mailbox::overlay<"control", mailbox::field<"command", Control>>,
                              mailbox::overlay<"task", mailbox::field<"word", std::uint64_t>>>;
using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<S::idle, mailbox::owner<"parent">, mailbox::views<"control">, mailbox::next<S::busy>>,
    mailbox::in_state<S::busy, mailbox::owner<"child">, mailbox::views<"task">, mailbox::next<S::idle>>>;

void work(mailbox::endpoint<Proto, "child">& child) {
  auto t = child.acquire<S::busy>();
#if defined(MAILBOX_COMPILE_FAIL)
  (void)t.emplace<"command", Command::copy>();
#else
  t.set<"word">(std::uint64_t{1});
#endif
  std::move(t).publish<S::idle>();
}
int main() {}
