// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::state_on_own_cache_line: a layout option that gives the state word
// a cache line of its own.
//
// By default the payload follows the state word (C struct rules), so a
// payload of up to 56 bytes travels in the state word's line: one line moves
// per hand-over, the fastest there is. A payload that spans several lines
// makes the waiting side's polling of the state word's line fight the
// writer's stores of the payload bytes that share it; with the state word
// alone on its line, the payload lines move once, as a block, and the state
// line after them. Which is faster depends on the payload's size (measured
// in docs/layout-performance.md): for payloads that fit beside the state
// word (up to 56 bytes), keep the default; past one line, isolate it.
#pragma once

#include <cstddef>
#include <type_traits>

#include "abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// Keeps the state word's cache line for the state word alone: the state
// word starts a line (when its offset is computed), members after it start on
// the next line, the layout is aligned to a line, and a member pinned into
// that line is a compile error naming it. Part of the fingerprint.
//
//   mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"data", std::byte[256]>,
//                   mailbox::state_on_own_cache_line>
struct state_on_own_cache_line {
  // 64 bytes on every core this library targets. (A core with 128-byte
  // lines, Apple's M-series, still gets a line no payload byte shares with
  // the state word's first 64 bytes, but may pair it with the next.)
  static constexpr std::size_t line_bytes = 64;
};

namespace detail {

template <class Decl>
struct is_state_line_decl : std::is_same<Decl, state_on_own_cache_line> {};

// The report for a member in the state word's line. Field is the carrier
// that spells the member's name (detail::in_field_named), so the compiler's
// "in instantiation of" note names it.
template <class Field>
struct state_line_diagnostic {
  template <bool Ok>
  static constexpr bool member_is_outside_the_state_words_cache_line() {
    static_assert(Ok,
                  "mailbox::layout: this member lies in the state word's cache line, which "
                  "mailbox::state_on_own_cache_line keeps for the state word alone (let the layout "
                  "compute its offset, or pin it on another 64-byte line)");
    return Ok;
  }
};

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
