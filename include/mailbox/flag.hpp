// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::flag<"name", T>: an atomic word of a layout outside the token
// discipline (Mailbox::raise, is_raised, clear).
#pragma once

#include <cstddef>
#include <type_traits>

#include "abi.hpp"
#include "field.hpp"
#include "fixed_string.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// A flag: an atomic word outside the token discipline, for a fact that must
// survive the state word moving on (a shutdown request, an acknowledgement).
// Mailbox::raise / is_raised / clear reach it; a token never does. T is a 4-
// or 8-byte integer that std::atomic_ref handles without a lock.
template <fixed_string Name, class T, std::size_t Offset = computed_offset>
struct flag {
  static constexpr fixed_string name = Name;
  using type = T;
  static constexpr std::size_t pinned_offset = Offset;
  static constexpr bool is_state = false;
  static constexpr bool is_flag = true;
};

namespace detail {

template <fixed_string N, class T, std::size_t O>
struct is_member_decl<flag<N, T, O>> : std::true_type {};

// A flag is a plain integer word (no enum: it holds a count or a yes/no).
template <class T>
constexpr bool is_valid_flag_type() {
  return !std::is_enum_v<T> && is_valid_state_type<T>();
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
