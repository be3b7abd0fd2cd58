// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Every other architecture, and every build under ThreadSanitizer (which
// cannot see inline asm): std::atomic_ref with acquire/release, whatever the
// compiler makes of it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "../abi.hpp"
#include "atomic_ref.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::arch {

inline constexpr std::string_view backend_name = "generic (std::atomic_ref acquire/release)";

// Pairs with store_release() on the other side. The const_cast is sound: the
// word lives in writable memory, and C++20's atomic_ref has no const form.
template <class Word>
[[gnu::always_inline]] inline Word load_acquire(const Word& word) noexcept {
  return detail::atomic_ref<Word>(const_cast<Word&>(word)).load(std::memory_order_acquire);
}

// Pairs with load_acquire() on the other side.
template <class Word>
[[gnu::always_inline]] inline void store_release(Word& word, Word value) noexcept {
  detail::atomic_ref<Word>(word).store(value, std::memory_order_release);
}

// Compare-and-swap, acq_rel on success, acquire on failure. Pairs with
// store_release() and with other compare_exchange() calls on the same word.
template <class Word>
[[gnu::always_inline]] inline bool compare_exchange(Word& word, Word& expected, Word desired) noexcept {
  return detail::atomic_ref<Word>(word).compare_exchange_strong(expected, desired, std::memory_order_acq_rel,
                                                                std::memory_order_acquire);
}

// A compiler barrier: without a pause instruction to call, at least keep the
// loop from being folded.
[[gnu::always_inline]] inline void cpu_relax() noexcept {
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::arch
