// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The members a layout places: payload fields and the state word, what the
// layout knows of each (field_info), and the rules their types follow.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "abi.hpp"
#include "arch/atomic_ref.hpp"
#include "detail/type_list.hpp"
#include "fixed_string.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// Marks an offset the layout computes; any other value pins the field there.
inline constexpr std::size_t computed_offset = static_cast<std::size_t>(-1);

// A payload field, reachable only through a token.
template <fixed_string Name, class T, std::size_t Offset = computed_offset>
struct field {
  static constexpr fixed_string name = Name;
  using type = T;
  static constexpr std::size_t pinned_offset = Offset;
  static constexpr bool is_state = false;
  static constexpr bool is_flag = false;
};

// The state word, reachable only through acquire-load and release-store.
template <fixed_string Name, class T, std::size_t Offset = computed_offset>
struct state {
  static constexpr fixed_string name = Name;
  using type = T;
  static constexpr std::size_t pinned_offset = Offset;
  static constexpr bool is_state = true;
  static constexpr bool is_flag = false;
};

struct type_description;

// What the layout knows of one field, for code that walks all of them
// (exporting offsets to another language, fingerprints).
struct field_info {
  std::string_view name;
  std::size_t offset;
  std::size_t size;
  std::size_t alignment;
  bool is_state;
  bool is_pinned;
  std::string_view overlay;  // the overlay it belongs to; empty for the others
  bool is_flag;
  bool is_record = false;  // a mailbox::record (record.hpp)
  // What its type is (description.hpp): kind, shape, and the members,
  // alternatives or record parts inside it. Null only in a layout that does
  // not compile.
  const type_description* type = nullptr;
};

namespace detail {

template <class Decl>
inline constexpr bool is_plain_field = false;
template <fixed_string N, class T, std::size_t O>
inline constexpr bool is_plain_field<field<N, T, O>> = true;

template <class Decl>
struct is_member_decl : std::false_type {};
template <fixed_string N, class T, std::size_t O>
struct is_member_decl<field<N, T, O>> : std::true_type {};
template <fixed_string N, class T, std::size_t O>
struct is_member_decl<state<N, T, O>> : std::true_type {};

// The members a declaration contributes: itself, an overlay's fields, or
// nothing (an option).
template <class Decl>
struct members_of {
  using type = std::conditional_t<is_member_decl<Decl>::value, type_list<Decl>, type_list<>>;
};

#if defined(__CUDACC__)
// nvcc's front end (EDG, CUDA 13) cannot deduce a class-type template
// parameter (fixed_string N) in a partial specialisation: field<N, T, O>
// above never matches there. These match a field, state or flag by its
// members instead (name, type, pinned_offset, is_state, is_flag), which gives
// the same answers; where both match (g++ and clang++, nvcc's host pass), the
// ones above are more specialised and win.
template <class Decl>
concept declares_a_member = requires {
  Decl::name;
  typename Decl::type;
  Decl::pinned_offset;
  { Decl::is_state } -> std::convertible_to<bool>;
  { Decl::is_flag } -> std::convertible_to<bool>;
};

template <declares_a_member Decl>
struct is_member_decl<Decl> : std::true_type {};

template <declares_a_member Decl>
requires(!Decl::is_state && !Decl::is_flag) inline constexpr bool is_plain_field<Decl> = true;
#endif

// A field type must have a size and be an object we may copy bytewise.
template <class T>
inline constexpr bool is_sized_object_v =
    std::is_object_v<T> && !std::is_unbounded_array_v<T> && !std::is_void_v<T> &&
    !std::is_const_v<std::remove_all_extents_t<T>> && !std::is_volatile_v<std::remove_all_extents_t<T>>;

template <class T>
constexpr std::size_t size_of_or_zero() {
  if constexpr (is_sized_object_v<T>) {
    return sizeof(T);
  } else {
    return 0;
  }
}

template <class T>
constexpr std::size_t align_of_or_one() {
  if constexpr (is_sized_object_v<T>) {
    return alignof(T);
  } else {
    return 1;
  }
}

// An enum whose underlying type is fixed can hold every bit pattern of that
// type, so a value written by a broken peer is never undefined behaviour.
template <class T>
concept enum_with_fixed_underlying_type = std::is_enum_v<T> && requires {
  T{std::underlying_type_t<T>{}};
};

template <class T>
constexpr bool is_valid_state_type() {
  if constexpr (std::is_same_v<std::remove_cv_t<T>, bool> || std::is_const_v<T> || std::is_volatile_v<T>) {
    return false;
  } else if constexpr (std::is_integral_v<T> || enum_with_fixed_underlying_type<T>) {
    if constexpr (sizeof(T) == 4 || sizeof(T) == 8) {
      return detail::atomic_ref<T>::is_always_lock_free;
    } else {
      return false;
    }
  } else {
    return false;
  }
}

template <class T>
constexpr std::size_t state_alignment() {
  if constexpr (is_valid_state_type<T>()) {
    return std::max(alignof(T), detail::atomic_ref<T>::required_alignment);
  } else {
    return align_of_or_one<T>();
  }
}

// Atomic words (the state word and flags) are aligned for std::atomic_ref.
template <class Decl>
constexpr std::size_t decl_alignment() {
  if constexpr (Decl::is_state || Decl::is_flag) {
    return state_alignment<typename Decl::type>();
  } else {
    return align_of_or_one<typename Decl::type>();
  }
}

// offset rounded up to a multiple of alignment, or SIZE_MAX if that does not
// fit: the layout then reports the member that overflowed.
constexpr std::size_t align_up(std::size_t offset, std::size_t alignment) {
  if (offset > std::numeric_limits<std::size_t>::max() - (alignment - 1)) {
    return std::numeric_limits<std::size_t>::max();
  }
  return (offset + alignment - 1) / alignment * alignment;
}

// Where a member of `size` bytes at `offset` ends, or SIZE_MAX if that does
// not fit in std::size_t.
constexpr std::size_t end_of(std::size_t offset, std::size_t size) {
  return offset > std::numeric_limits<std::size_t>::max() - size ? std::numeric_limits<std::size_t>::max()
                                                                 : offset + size;
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
