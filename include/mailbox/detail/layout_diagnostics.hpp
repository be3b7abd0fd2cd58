// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// How a layout mistake names the member it is about: the templates whose
// static_asserts report it, instantiated for the offending member only.
#pragma once

#include <cstddef>
#include <utility>

#include "../abi.hpp"
#include "../fixed_string.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

// Layout mistakes are reported from inside this template, instantiated for
// the offending member only, so the compiler's "in instantiation of" note
// names it. C++20's static_assert cannot print a computed string, so the
// name travels as the template's argument, in the form each compiler prints
// most readably (checked by the compile-fail cases):
//   g++ 12:     field_named<Name>::... [with ... Name = mailbox::fixed_string<5>{"args"}]
//   clang++ 14: field_named<'a', 'r', 'g', 's'>::...
// (clang prints a class-type argument as {{97, 114, 103, 115, 0}}, g++ a
// character pack as {'a', 'r', 'g', 's'}.) Only diagnostics instantiate it.
#if defined(__clang__)
#define MAILBOX_DETAIL_FIELD_NAME_PARAMETER char... Name
#else
#define MAILBOX_DETAIL_FIELD_NAME_PARAMETER fixed_string Name
#endif
template <MAILBOX_DETAIL_FIELD_NAME_PARAMETER>
struct field_named {
  template <bool Ok>
  static constexpr bool name_is_not_empty() {
    static_assert(Ok, "mailbox::layout: a field or state name must not be empty");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool name_has_no_dot() {
    static_assert(Ok,
                  "mailbox::layout: a name may not contain '.', which separates a struct field's name from "
                  "its member's (\"config.timeout_ms\")");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool type_is_a_sized_object() {
    static_assert(Ok,
                  "mailbox::layout: a field's type must be a complete, non-const, non-volatile "
                  "object type (no references, no arrays of unknown bound)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool payload_is_trivially_copyable() {
    static_assert(Ok,
                  "mailbox::layout: a payload field's type must be trivially copyable, because "
                  "the other side reads it as raw bytes");
    return Ok;
  }
  // A peer can write any bytes. Reading a bool that holds 2, or an enum
  // without a fixed underlying type outside its range, is undefined
  // behaviour; a pointer means nothing in another process. These are refused
  // as fields and as array elements. C++20 cannot look inside a struct, so a
  // struct member of such a type is the user's to avoid.
  template <bool Ok>
  static constexpr bool payload_is_not_bool() {
    static_assert(Ok,
                  "mailbox::layout: a payload field may not be bool (or an array of bool): a peer can "
                  "store any byte, and a bool holding 2 is undefined behaviour; use std::uint8_t");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool payload_enum_has_fixed_underlying_type() {
    static_assert(Ok,
                  "mailbox::layout: a payload enum needs a fixed underlying type (enum class, or enum E "
                  ": std::int32_t): a peer can store any value, and one outside an unfixed enum's range "
                  "is undefined behaviour");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool payload_is_not_a_pointer() {
    static_assert(Ok,
                  "mailbox::layout: a payload field may not be a pointer (or an array of pointers): an "
                  "address means nothing in the other process; store an offset or an index");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool state_type_is_lock_free_word() {
    static_assert(Ok,
                  "mailbox::layout: the state type must be a 4- or 8-byte integer (not bool) or "
                  "an enum with a fixed underlying type of that size, and "
                  "std::atomic_ref of it must be always lock-free");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool flag_type_is_lock_free_integer() {
    static_assert(Ok,
                  "mailbox::layout: a flag's type must be a 4- or 8-byte integer (not bool, not an enum) "
                  "and std::atomic_ref of it must be always lock-free");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool overlay_name_is_not_empty() {
    static_assert(Ok, "mailbox::layout: an overlay's name must not be empty");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool overlay_name_is_unique() {
    static_assert(Ok,
                  "mailbox::layout: an overlay's name is already used by a field, a flag, the state word "
                  "or another overlay (names are unique across the whole layout)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool pinned_offset_is_aligned() {
    static_assert(Ok,
                  "mailbox::layout: a pinned offset is not a multiple of the field type's "
                  "alignment (for the state word: std::atomic_ref's required_alignment)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool offset_plus_size_does_not_overflow() {
    static_assert(Ok,
                  "mailbox::layout: a field's offset plus its size does not fit in std::size_t (a pinned "
                  "offset near SIZE_MAX?)");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool ends_within_total_size() {
    static_assert(Ok, "mailbox::layout: a field ends past mailbox::total_size");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool name_is_unique() {
    static_assert(Ok,
                  "mailbox::layout: two fields have the same name (names are unique across the whole "
                  "layout: state word, fields, flags and overlays)");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool does_not_overlap() {
    static_assert(Ok,
                  "mailbox::layout: two fields overlap (only fields of two different overlays may share "
                  "bytes; the state word, flags, common fields and the fields of one overlay may not)");
    return Ok;
  }
};

#undef MAILBOX_DETAIL_FIELD_NAME_PARAMETER

#if defined(__clang__)
template <fixed_string Name, std::size_t... I>
auto spell_field(std::index_sequence<I...>) -> field_named<Name.value[I]...>;

template <fixed_string Name>
using in_field_named = decltype(spell_field<Name>(std::make_index_sequence<Name.size()>{}));
#else
template <fixed_string Name>
using in_field_named = field_named<Name>;
#endif

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
