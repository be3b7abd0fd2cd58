// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The options of a layout besides its members: total_size<N>,
// valid_states<...> and blocking_waiters.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// Pins the layout's size; every field must end within it.
template <std::size_t Bytes>
struct total_size {
  static constexpr std::size_t value = Bytes;
};

// Lists every state value a layout's peers may legitimately store. The other
// process can write any bytes, so a reader that must not act on garbage asks
// Mailbox::checked_state(), which reports a value outside this list as an
// error instead of handing out an enum nobody declared.
//
//   mailbox::valid_states<Worker::idle, Worker::task_ready, Worker::task_done>
template <auto... Values>
struct valid_states {
  static constexpr std::size_t count = sizeof...(Values);
  template <class State>
  static constexpr bool all_of_type = (std::is_same_v<decltype(Values), State> && ...);
  template <class State>
  static constexpr std::array<State, sizeof...(Values)> values_as() {
    return {static_cast<State>(Values)...};
  }
};

// Opts a layout into blocking waiters (mailbox::wait::spin_then_block): the
// top bit of a 4-byte state word becomes the "somebody sleeps on this word"
// mark, and publish() becomes an atomic exchange that wakes the sleepers when
// the old value carried the mark. Layouts without it keep publish() a single
// release store. Both sides must agree, so it is part of the fingerprint.
struct blocking_waiters {};

namespace detail {

template <class Decl>
struct is_total_size_decl : std::false_type {};
template <std::size_t B>
struct is_total_size_decl<total_size<B>> : std::true_type {};

template <class Decl>
struct is_valid_states_decl : std::false_type {};
template <auto... V>
struct is_valid_states_decl<valid_states<V...>> : std::true_type {};

template <class Decl>
struct is_blocking_decl : std::is_same<Decl, blocking_waiters> {};

// The mark a sleeping waiter sets in a blocking layout's state word.
inline constexpr std::uint32_t waiter_mark = std::uint32_t{1} << 31;

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
