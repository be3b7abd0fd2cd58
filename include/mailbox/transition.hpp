// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::transition_result<State>: what Mailbox::try_transition and
// endpoint::try_transition report. Converts to bool (whether this call moved
// the state), so `if (box.try_transition(a, b))` reads as before; found()
// says which state the word held: `from` when it moved, otherwise the state
// this call lost to (what the other party moved it to, or whatever else the
// word held).
#pragma once

#include "abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

template <class State>
class [[nodiscard]] transition_result {
 public:
  constexpr transition_result(bool moved, State found) noexcept : found_(found), moved_(moved) {}

  // Whether this call moved the state.
  [[nodiscard]] constexpr bool moved() const noexcept { return moved_; }
  // Implicit, so that the result reads as the bool it was before.
  constexpr operator bool() const noexcept { return moved_; }  // NOLINT(google-explicit-constructor)

  // The state the word held when the compare-and-swap ran.
  [[nodiscard]] constexpr State found() const noexcept { return found_; }

 private:
  State found_;
  bool moved_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
