// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The send/receive steps of library.cpp written through a protocol endpoint:
// check_asm.py holds them to the same rules and the same instruction count as
// handwritten.cpp, so the protocol's checks cost nothing at run time.
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <utility>

#include "protocol.hpp"

using asm_check::Turn;

using Layout = mailbox::layout<mailbox::field<"sequence", std::uint64_t>,
                               mailbox::field<"words", std::uint64_t[asm_check::payload_words]>,
                               mailbox::state<"state", Turn, asm_check::state_offset>>;
using Box = mailbox::Mailbox<Layout>;
static_assert(Layout::state_offset == asm_check::state_offset);

using Protocol =
    mailbox::protocol<Layout,
                      mailbox::in_state<Turn::empty, mailbox::owner<"writer">, mailbox::next<Turn::full>>,
                      mailbox::in_state<Turn::full, mailbox::owner<"reader">, mailbox::next<Turn::empty>>>;
using Writer = mailbox::endpoint<Protocol, "writer">;
using Reader = mailbox::endpoint<Protocol, "reader">;

extern "C" bool mailbox_send(Box box, std::uint64_t n) {
  auto token = Writer(box).try_acquire<Turn::empty>();
  if (!token) return false;
  token->set<"sequence">(n);
  for (std::uint64_t& word : token->span<"words">()) word = n;
  std::move(*token).publish<Turn::full>();
  return true;
}

extern "C" bool mailbox_receive(Box box, std::uint64_t* sum) {
  auto token = Reader(box).try_acquire<Turn::full>();
  if (!token) return false;
  std::uint64_t total = token->get<"sequence">();
  for (std::uint64_t word : std::as_const(*token).span<"words">()) total += word;
  *sum = total;
  std::move(*token).publish<Turn::empty>();
  return true;
}

extern "C" std::uint64_t mailbox_wait_receive(Box box) {
  auto token = Reader(box).acquire<Turn::full>();
  std::uint64_t total = token.get<"sequence">();
  for (std::uint64_t word : std::as_const(token).span<"words">()) total += word;
  std::move(token).publish<Turn::empty>();
  return total;
}
