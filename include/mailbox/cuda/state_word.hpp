// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The device forms of the accesses a mailbox makes to its state word and
// flags (state_word.hpp, view.hpp and token.hpp call them from their
// __CUDA_ARCH__ branches): the same acquire-load, release-store and
// compare-and-swap, at the layout's scope, as PTX (ptx.hpp).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "../abi.hpp"
#include "../layout.hpp"
#include "ptx.hpp"
#include "scope.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace cuda {

namespace detail {

template <class T>
using device_word = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// The word the region's bytes hold at `at` (see state_word.hpp on launder).
template <class Word>
[[nodiscard]] __device__ __forceinline__ Word* word_at(std::byte* at) noexcept {
  return std::launder(reinterpret_cast<Word*>(at));
}
template <class Word>
[[nodiscard]] __device__ __forceinline__ const Word* word_at(const std::byte* at) noexcept {
  return std::launder(reinterpret_cast<const Word*>(at));
}

// Mailbox's and mailbox_array's region checks in device code, with the
// host's messages: a region of `size` bytes at `data` must hold `needed`
// bytes and be aligned for the layout, or the kernel traps.
template <class Layout>
__device__ __forceinline__ void check_region(const char* who, const std::byte* data, std::size_t size,
                                             std::size_t needed) noexcept {
  const auto address = reinterpret_cast<std::uintptr_t>(data);
  if (size < needed) [[unlikely]] {
    printf("%s: region too small for the layout: expected at least %llu bytes, got %llu bytes\n", who,
           static_cast<unsigned long long>(needed), static_cast<unsigned long long>(size));
    trap("");
  }
  if (address == 0 || address % Layout::alignment != 0) [[unlikely]] {
    printf("%s: region misaligned for the layout: expected an address aligned to %llu bytes, got %p\n", who,
           static_cast<unsigned long long>(Layout::alignment), static_cast<const void*>(data));
    trap("");
  }
}

// token::set_text(): memmove, which device code lacks. The text may be a
// view of the very field it is written to.
__device__ inline void move_bytes(char* to, const char* from, std::size_t count) noexcept {
  if (to < from) {
    for (std::size_t i = 0; i < count; ++i) to[i] = from[i];
  } else if (to > from) {
    for (std::size_t i = count; i > 0; --i) to[i - 1] = from[i - 1];
  }
}

// Mailbox::state(): the acquire-load, the sleeping-waiter mark stripped in a
// layout with blocking_waiters (a host waiter may have set it).
template <class Layout>
[[nodiscard]] __device__ __forceinline__ typename Layout::state_type load_state(
    const std::byte* base) noexcept {
  using state = typename Layout::state_type;
  using word = device_word<state>;
  word value = load_acquire<scope_of<Layout>>(word_at<word>(base + Layout::state_offset));
  if constexpr (Layout::has_blocking_waiters) value &= ~static_cast<word>(mailbox::detail::waiter_mark);
  return std::bit_cast<state>(value);
}

// A host thread that sleeps in spin_then_block waits for a FUTEX_WAKE that
// device code cannot send, so a device-side store to a blocking layout's
// state word would leave it asleep. The CUDA helpers refuse such layouts at
// compile time; this catches a region viewed by hand.
[[noreturn]] __device__ __noinline__ inline void blocking_layout_in_device_code() noexcept {
  trap(
      "mailbox: publish() or try_transition() in device code on a layout with blocking_waiters: a kernel "
      "cannot wake a host thread asleep in FUTEX_WAIT; use a layout without blocking_waiters\n");
}

// token::publish(): the release-store of the next state.
template <class Layout>
__device__ __forceinline__ void store_state(std::byte* base, typename Layout::state_type next) noexcept {
  using word = device_word<typename Layout::state_type>;
  if constexpr (Layout::has_blocking_waiters) blocking_layout_in_device_code();
  store_release<scope_of<Layout>>(word_at<word>(base + Layout::state_offset), std::bit_cast<word>(next));
}

// Mailbox::try_transition(): one acq_rel compare-and-swap. `expected` comes
// in as the `from` state and goes out as the state the word held.
template <class Layout>
[[nodiscard]] __device__ __forceinline__ bool transition_state(std::byte* base,
                                                               typename Layout::state_type& expected,
                                                               typename Layout::state_type to) noexcept {
  using word = device_word<typename Layout::state_type>;
  if constexpr (Layout::has_blocking_waiters) blocking_layout_in_device_code();
  word found = std::bit_cast<word>(expected);
  const bool moved = compare_exchange<scope_of<Layout>>(word_at<word>(base + Layout::state_offset), found,
                                                        std::bit_cast<word>(to));
  expected = std::bit_cast<typename Layout::state_type>(found);
  return moved;
}

// Mailbox::is_raised(), raise() and clear(): a flag's word, at the layout's
// scope too.
template <class Layout, class Word>
[[nodiscard]] __device__ __forceinline__ Word load_flag(const std::byte* at) noexcept {
  return load_acquire<scope_of<Layout>>(word_at<Word>(at));
}
template <class Layout, class Word>
__device__ __forceinline__ void store_flag(std::byte* at, Word value) noexcept {
  store_release<scope_of<Layout>>(word_at<Word>(at), value);
}

}  // namespace detail
}  // namespace cuda
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
