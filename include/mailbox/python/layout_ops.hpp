// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The one part of the binding made per layout: a table of functions that
// call the library's Mailbox and token for that layout (acquire-load,
// release-store, waits, compare-and-swap, flags, headers). Everything else
// works on layout_ops and the layout's field_descs, whatever the layout.
//
// Every function here is noexcept or throws only the library's exceptions
// (header_error, region_error, segment_error) for its caller to translate;
// none of them can abort: the states they store were checked before (the
// waiter mark, valid_states), and a C++ token is always ended with
// publish() or abandon() before it is destroyed, so a build with
// MAILBOX_DEBUG_TOKENS (any build without NDEBUG) behaves as a release
// build does.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "../abi.hpp"
#include "../fingerprint.hpp"
#include "../layout.hpp"
#include "../view.hpp"
#include "../wait.hpp"
#include "states.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// Room for one C++ token (mailbox::token<Layout> holds a pointer).
struct token_slot {
  alignas(16) unsigned char bytes[16];
};

enum class policy_kind : std::uint8_t { spin, spin_then_yield, spin_then_block };

// One slice of a wait: the states wanted, the policy, until when.
struct wait_request {
  const std::uint64_t* wanted = nullptr;
  std::size_t count = 0;
  policy_kind policy = policy_kind::spin;
  std::uint32_t spins = 1000;
  deadline until = no_deadline;
  wait_stats* stats = nullptr;
  // Which values may be in the word (an endpoint's: its protocol's states);
  // null for the layout's valid_states.
  bool (*is_valid)(std::uint64_t bits) noexcept = nullptr;
};

struct wait_outcome {
  bool acquired = false;
  wait_error error = wait_error::timed_out;
  std::uint64_t seen = 0;  // the state acquired in, or the last one seen
};

// A flag of the layout (mailbox::flag<...>), through Mailbox::raise,
// clear and is_raised.
struct flag_ops {
  std::string_view name;
  void (*raise)(std::byte* base) noexcept;
  void (*clear)(std::byte* base) noexcept;
  bool (*is_raised)(const std::byte* base) noexcept;
};

struct layout_ops {
  std::size_t size = 0;
  std::size_t alignment = 0;
  std::size_t header_size = 0;
  std::uint64_t fingerprint = 0;
  std::uint32_t version = 0;
  bool blocking = false;
  bool declares_valid_states = false;

  std::uint64_t (*state)(const std::byte* base) noexcept = nullptr;  // acquire-load
  bool (*is_valid_state)(std::uint64_t bits) noexcept = nullptr;
  // A token into `slot` if the state is `expected` now.
  bool (*try_acquire)(std::byte* base, std::uint64_t expected, token_slot& slot) noexcept = nullptr;
  // One slice of a wait; a token into `slot` when it is acquired.
  wait_outcome (*wait)(std::byte* base, const wait_request& request, token_slot& slot) noexcept = nullptr;
  // End the token in `slot`: publish (release-store) or abandon.
  void (*publish)(token_slot& slot, std::uint64_t next) noexcept = nullptr;
  void (*abandon)(token_slot& slot) noexcept = nullptr;
  // Moves the token from one slot to another (endpoint tokens' narrow()).
  void (*move)(token_slot& from, token_slot& to) noexcept = nullptr;
  // One compare-and-swap; `found` is the state the word held (`from` when
  // it moved, else the state this call lost to).
  bool (*try_transition)(std::byte* base, std::uint64_t from, std::uint64_t to,
                         std::uint64_t& found) noexcept = nullptr;
  // Throws region_error unless `region` can hold the layout (Mailbox's
  // checks: size, alignment).
  void (*check_region)(std::span<std::byte> region) = nullptr;
  // Zeroes the layout's bytes and stores `first` (Mailbox::initialize).
  void (*initialize)(std::span<std::byte> region, std::uint64_t first) = nullptr;
  // The header functions of fingerprint.hpp; throw header_error.
  std::byte* (*initialize_with_header)(std::span<std::byte> region, std::uint64_t first) = nullptr;
  std::byte* (*attach_with_header)(std::span<std::byte> region, deadline until) = nullptr;
  std::span<const flag_ops> flags;
};

namespace detail {

template <class Layout>
using token_of = typename Mailbox<Layout>::token;

// The Mailbox at `base`, which a region or a buffer check (size,
// alignment) vouched for when the mailbox object was made: telling the
// compiler lets it drop the constructor's checks from every call.
template <class Layout>
[[gnu::always_inline]] inline Mailbox<Layout> box_at(std::byte* base) {
  const auto address = reinterpret_cast<std::uintptr_t>(base);
  if (address == 0 || address % Layout::alignment != 0) __builtin_unreachable();
  return Mailbox<Layout>(std::span<std::byte>(base, Layout::size));
}

template <class Layout>
token_of<Layout>& token_in(token_slot& slot) noexcept {
  return *std::launder(reinterpret_cast<token_of<Layout>*>(slot.bytes));
}

template <class Layout, class Result>
wait_outcome take(Result&& result, token_slot& slot) noexcept {
  using S = typename Layout::state_type;
  wait_outcome out;
  out.seen = bits_of<S>(result.state());
  if (result) {
    ::new (static_cast<void*>(slot.bytes)) token_of<Layout>(std::move(*result));
    out.acquired = true;
  } else {
    out.error = result.error();
  }
  return out;
}

template <class Layout>
wait_outcome wait_slice(std::byte* base, const wait_request& r, token_slot& slot) noexcept {
  using S = typename Layout::state_type;
  const auto accept = [&r](S s) {
    const std::uint64_t bits = bits_of<S>(s);
    for (std::size_t i = 0; i < r.count; ++i) {
      if (r.wanted[i] == bits) return true;
    }
    return false;
  };
  const auto valid = [&r](S s) {
    return r.is_valid != nullptr ? r.is_valid(bits_of<S>(s)) : Layout::is_valid_state(s);
  };
  const Mailbox<Layout> box = box_at<Layout>(base);
  switch (r.policy) {
    case policy_kind::spin:
      return take<Layout>(box.acquire_when(accept, valid, spin{}, r.until), slot);
    case policy_kind::spin_then_yield:
      return take<Layout>(box.acquire_when(accept, valid, spin_then_yield{r.spins}, r.until), slot);
    case policy_kind::spin_then_block:
      // Both wait backends: FUTEX_WAIT, or the portable one's bounded sleeps.
      if constexpr (Layout::has_blocking_waiters) {
        return take<Layout>(box.acquire_when(accept, valid, spin_then_block{r.spins, r.stats}, r.until),
                            slot);
      }
      break;
  }
  return wait_outcome{};  // not reached: the binding offers spin_then_block only where it exists
}

template <class Layout>
std::vector<flag_ops> flag_table() {
  std::vector<flag_ops> out;
  Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
    if constexpr (Layout::template is_flag<Decl::name>) {
      out.push_back(flag_ops{
          Decl::name.view(),
          [](std::byte* base) noexcept { box_at<Layout>(base).template raise<Decl::name>(); },
          [](std::byte* base) noexcept { box_at<Layout>(base).template clear<Decl::name>(); },
          [](const std::byte* base) noexcept {
            return box_at<Layout>(const_cast<std::byte*>(base)).template is_raised<Decl::name>();
          },
      });
    }
  });
  return out;
}

}  // namespace detail

// The operations of Layout (with the fingerprint of Version), made once.
template <valid_layout Layout, std::uint32_t Version>
const layout_ops& operations_of() {
  using S = typename Layout::state_type;
  using detail::bits_of;
  using detail::state_from_bits;
  static const std::vector<flag_ops> flags = detail::flag_table<Layout>();
  static const layout_ops ops = [] {
    layout_ops o;
    o.size = Layout::size;
    o.alignment = Layout::alignment;
    o.header_size = header_size<Layout>;
    o.fingerprint = fingerprint<Layout, Version>;
    o.version = Version;
    o.blocking = Layout::has_blocking_waiters;
    o.declares_valid_states = Layout::declares_valid_states;
    o.state = [](const std::byte* base) noexcept {
      return bits_of<S>(detail::box_at<Layout>(const_cast<std::byte*>(base)).state());
    };
    o.is_valid_state = [](std::uint64_t bits) noexcept {
      return Layout::is_valid_state(state_from_bits<S>(bits));
    };
    o.try_acquire = [](std::byte* base, std::uint64_t expected, token_slot& slot) noexcept {
      auto token = detail::box_at<Layout>(base).try_acquire(state_from_bits<S>(expected));
      if (!token) return false;
      ::new (static_cast<void*>(slot.bytes)) detail::token_of<Layout>(std::move(*token));
      return true;
    };
    o.wait = &detail::wait_slice<Layout>;
    o.publish = [](token_slot& slot, std::uint64_t next) noexcept {
      auto& token = detail::token_in<Layout>(slot);
      std::move(token).publish(state_from_bits<S>(next));
      token.~token();
    };
    o.abandon = [](token_slot& slot) noexcept {
      auto& token = detail::token_in<Layout>(slot);
      std::move(token).abandon();
      token.~token();
    };
    o.move = [](token_slot& from, token_slot& to) noexcept {
      auto& token = detail::token_in<Layout>(from);
      ::new (static_cast<void*>(to.bytes)) detail::token_of<Layout>(std::move(token));
      token.~token();  // moved from: its destructor has nothing to check
    };
    o.try_transition = [](std::byte* base, std::uint64_t from, std::uint64_t to,
                          std::uint64_t& found) noexcept {
      const auto result =
          detail::box_at<Layout>(base).try_transition(state_from_bits<S>(from), state_from_bits<S>(to));
      found = bits_of<S>(result.found());
      return result.moved();
    };
    o.check_region = [](std::span<std::byte> region) { (void)Mailbox<Layout>(region); };
    o.initialize = [](std::span<std::byte> region, std::uint64_t first) {
      (void)Mailbox<Layout>::initialize(region, state_from_bits<S>(first));
    };
    o.initialize_with_header = [](std::span<std::byte> region, std::uint64_t first) {
      auto box = mailbox::initialize_with_header<Layout, Version>(region, state_from_bits<S>(first));
      return static_cast<std::byte*>(const_cast<void*>(box.address()));
    };
    o.attach_with_header = [](std::span<std::byte> region, deadline until) {
      auto box = mailbox::attach_with_header<Layout, Version>(region, until);
      return static_cast<std::byte*>(const_cast<void*>(box.address()));
    };
    o.flags = flags;
    return o;
  }();
  static_assert(sizeof(detail::token_of<Layout>) <= sizeof(token_slot) &&
                alignof(detail::token_of<Layout>) <= alignof(token_slot));
  return ops;
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
