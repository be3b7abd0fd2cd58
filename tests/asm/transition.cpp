// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The compare-and-transition step with the public API: Mailbox::try_transition
// and the same through a protocol endpoint. check_asm.py --kind transition
// checks that each is one CAS (acq_rel) with no fence and no call.
#include <mailbox/endpoint.hpp>
#include <mailbox/mailbox.hpp>

#include "protocol.hpp"

using asm_check::Turn;

using Layout = mailbox::layout<mailbox::field<"sequence", std::uint64_t>,
                               mailbox::field<"words", std::uint64_t[asm_check::payload_words]>,
                               mailbox::state<"state", Turn, asm_check::state_offset>>;
using Box = mailbox::Mailbox<Layout>;

// Both sides may leave `full` (the frame_staged shape), each by its own
// edge: only by CAS.
using Protocol = mailbox::protocol<
    Layout, mailbox::in_state<Turn::empty, mailbox::owner<"writer">, mailbox::next<Turn::full>>,
    mailbox::in_state<Turn::full, mailbox::owner<"writer", "reader">,
                      mailbox::next<mailbox::by<"writer", Turn::empty>, mailbox::by<"reader", Turn::taken>>>,
    mailbox::in_state<Turn::taken, mailbox::owner<"reader">, mailbox::next<Turn::empty>>>;

extern "C" bool mailbox_try_transition(Box box) { return box.try_transition(Turn::full, Turn::empty); }

// The reader's edge, so that -Os does not fold the two functions into a
// tail call.
extern "C" bool endpoint_try_transition(Box box) {
  const mailbox::endpoint<Protocol, "reader"> reader(box);
  return reader.try_transition<Turn::full, Turn::taken>();
}
