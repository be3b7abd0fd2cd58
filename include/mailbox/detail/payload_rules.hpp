// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The rules every payload type follows, wherever it sits: a field of a
// layout, a member of a described struct, a field of a keyed union's
// alternative, a committed record's body. A peer can store any bytes, so a
// type must be valid for every bit pattern and mean the same in every
// process.
#pragma once

#include <type_traits>

#include "../abi.hpp"
#include "../description.hpp"
#include "../field.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace detail {

enum class payload_type_problem {
  none,
  not_a_sized_object,      // a reference, void, an array of unknown bound, const or volatile
  not_trivially_copyable,  // the other side reads it as raw bytes
  is_bool,                 // a bool holding 2 is undefined behaviour
  is_unfixed_enum,         // a value outside an unfixed enum's range is undefined behaviour
  is_pointer,              // an address means nothing in another process
  invalid_description,     // a described struct, keyed union or record whose own checks failed
};

// A payload type's own problem, or none. Arrays: what each element is. A
// described struct, keyed union or record is checked by its description
// (which reports what is wrong with it, naming the member); here only
// whether that check passed.
template <class T>
constexpr payload_type_problem payload_problem_of() {
  using E = std::remove_all_extents_t<T>;
  if constexpr (!is_sized_object_v<T>) {
    return payload_type_problem::not_a_sized_object;
  } else if constexpr (!std::is_trivially_copyable_v<T>) {
    return payload_type_problem::not_trivially_copyable;
  } else if constexpr (std::is_same_v<E, bool>) {
    return payload_type_problem::is_bool;
  } else if constexpr (std::is_enum_v<E> && !enum_with_fixed_underlying_type<E>) {
    return payload_type_problem::is_unfixed_enum;
  } else if constexpr (std::is_pointer_v<E> || std::is_member_pointer_v<E> || std::is_null_pointer_v<E>) {
    return payload_type_problem::is_pointer;
  } else if constexpr (has_member_description<E>) {
    static_assert(std::is_same_v<typename described_members_of<E>::struct_type, E>,
                  "mailbox::members: the description found for this type describes another type "
                  "(MAILBOX_DESCRIBE(T, ...) must name T itself)");
    return described_members_of<E>::is_valid ? payload_type_problem::none
                                             : payload_type_problem::invalid_description;
  } else if constexpr (requires { E::mailbox_is_valid; }) {
    return E::mailbox_is_valid ? payload_type_problem::none : payload_type_problem::invalid_description;
  } else {
    return payload_type_problem::none;
  }
}

}  // namespace detail
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
