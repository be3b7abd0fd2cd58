// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The send/receive steps through a keyed union whose alternative holds a
// described struct (keyed.hpp, members.hpp): emplace, alternative and paths
// such as "pair.words". check_asm.py holds them to every ordering rule and
// to payload_handwritten.cpp, the same steps with plain loads and stores at
// the same offsets: the accessors cost nothing on top (the zeroing emplace
// does is overwritten, and the compilers drop it; clang -O1 does not).
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <utility>

#include "protocol.hpp"

using asm_check::Turn;

namespace {

struct Pair {
  std::uint64_t sequence;
  std::uint64_t words[asm_check::payload_words];
};
MAILBOX_DESCRIBE(Pair, sequence, words);

// 8-byte keys: on x86-64 the checker tells the state word by its size.
using Command =
    mailbox::keyed<"kind", std::uint64_t, mailbox::alternative<1, "data", mailbox::field<"pair", Pair>>,
                   mailbox::alternative<2, "other", mailbox::field<"x", std::uint64_t>>>;

}  // namespace

using Layout = mailbox::layout<mailbox::field<"command", Command>,
                               mailbox::state<"state", Turn, asm_check::state_offset>>;
using Box = mailbox::Mailbox<Layout>;
static_assert(Layout::state_offset == asm_check::state_offset);

extern "C" bool mailbox_send(Box box, std::uint64_t n) {
  auto token = box.try_acquire(Turn::empty);
  if (!token) return false;
  auto data = token->emplace<"command", std::uint64_t{1}>();
  data.set<"pair.sequence">(n);
  for (std::uint64_t& word : data.span<"pair.words">()) word = n;
  std::move(*token).publish(Turn::full);
  return true;
}

// The reader takes the payload only when the key is data's; otherwise it
// leaves the box as it is (abandon). One release store on the one path that
// publishes, so the checker's release count holds whatever the compilers
// duplicate.
extern "C" bool mailbox_receive(Box box, std::uint64_t* sum) {
  auto token = box.try_acquire(Turn::full);
  if (!token) return false;
  const auto data = std::as_const(*token).alternative<"command", std::uint64_t{1}>();
  if (!data) {
    std::move(*token).abandon();
    return false;
  }
  std::uint64_t total = data->get<"pair.sequence">();
  for (std::uint64_t word : data->span<"pair.words">()) total += word;
  *sum = total;
  std::move(*token).publish(Turn::empty);
  return true;
}

// The waiting reader answers in another alternative: the key it found,
// then emplace. (No branch on the key here: clang would duplicate the
// release into both arms, which the checker counts as two.)
extern "C" std::uint64_t mailbox_wait_receive(Box box) {
  auto token = box.acquire(Turn::full);
  const std::uint64_t kind = token.key<"command">();
  token.emplace<"command", std::uint64_t{2}>().set<"x">(kind);
  std::move(token).publish(Turn::empty);
  return kind;
}
