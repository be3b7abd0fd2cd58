// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layout both translation units of the debug-token test use, and the
// step each runs: assigning one live token over another, which drops the
// token assigned over. A release build (MAILBOX_DEBUG_TOKENS=0) allows it
// silently; a debug build aborts ("a token was destroyed without
// publish()").
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

enum class Phase : std::uint32_t { idle, busy };
using Slot = mailbox::layout<mailbox::state<"phase", Phase>, mailbox::field<"value", std::uint64_t>>;

// Internal linkage: each TU has its own copy of this function, so that the
// only code the two TUs can share by name is the library's (the token's move
// assignment, out of line at -O0).
namespace {
void drop_by_assignment(std::span<std::byte> region) {
  const mailbox::Mailbox<Slot> box{region};
  auto first = box.acquire(Phase::idle);
  auto second = box.acquire(Phase::idle);
  second = std::move(first);  // drops the token `second` held
  std::move(second).publish(Phase::busy);
}
}  // namespace

// Defined in odr_tokens_debug.cpp, built with MAILBOX_DEBUG_TOKENS=1.
void drop_with_debug_tu(std::span<std::byte> region);
// Defined in odr_tokens_release.cpp, built with MAILBOX_DEBUG_TOKENS=0.
void drop_with_release_tu(std::span<std::byte> region);
