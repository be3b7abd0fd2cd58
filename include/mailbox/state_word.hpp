// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The two accesses the state word ever gets (acquire-load, release-store),
// and the blocking-aware publish of a layout with blocking_waiters.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "abi.hpp"
#include "arch.hpp"
#include "layout.hpp"
#include "wait.hpp"
#if defined(__CUDACC__)
#include "cuda/state_word.hpp"  // the device forms of these accesses
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

template <class State>
using word_for = std::conditional_t<sizeof(State) == 4, std::uint32_t, std::uint64_t>;

// The only two accesses the state word ever gets. The word is an object the
// region's bytes hold (created implicitly, as in mapped memory or a byte
// array), not the bytes themselves: std::launder gives a pointer to it, which
// the standard asks for and which costs nothing.
template <class State>
[[gnu::always_inline]] inline State load_state_acquire(const std::byte* at) noexcept {
  using word = word_for<State>;
  return std::bit_cast<State>(arch::load_acquire(*std::launder(reinterpret_cast<const word*>(at))));
}

template <class State>
[[gnu::always_inline]] inline void store_state_release(std::byte* at, State value) noexcept {
  using word = word_for<State>;
  arch::store_release(*std::launder(reinterpret_cast<word*>(at)), std::bit_cast<word>(value));
}

// The blocking-aware publish of a layout with blocking_waiters.
//
// Futex backend: an atomic exchange (release) that calls FUTEX_WAKE when the
// old value carried the mark. Pairs with the waiter's CAS in
// Mailbox::block_on() (same word): the two RMWs are ordered by the word's
// modification order, so either this exchange comes first and the waiter's
// CAS fails (it re-reads the word and sees the new state), or the CAS comes
// first and this exchange returns the mark and wakes the sleeper. Both
// accesses are to ONE location, so no store-load reordering between two
// locations can lose the wake-up, and no fence is needed. The exchange is a
// release: the payload written before it is visible to whoever acquires the
// new state, as with the plain store.
//
// Portable backend: its sleepers set no mark and look at the word after
// every sleep, so there is nobody to wake and nothing to learn from the old
// value: a plain release store, as in a layout without blocking_waiters. It
// clears the mark of a futex sleeper in a process built with the futex
// backend without waking it; that sleeper sees the state when its sleep's
// cap (spin_then_block::max_sleep) ends the FUTEX_WAIT.
[[gnu::always_inline]] inline void publish_blocking_state(std::byte* at, std::uint32_t value) noexcept {
  auto* word = std::launder(reinterpret_cast<std::uint32_t*>(at));
  if constexpr (sleeper_marks_word) {
    const std::uint32_t old = atomic_ref<std::uint32_t>(*word).exchange(value, std::memory_order_release);
    if (old & waiter_mark) [[unlikely]]
      wake_word_sleepers(word);
  } else {
    arch::store_release(*word, value);
  }
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
