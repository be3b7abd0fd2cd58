// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// How a mistake in a payload structure (a described struct, a keyed union, a
// committed record) names what it is about: each check reports from inside
// a template instantiated for the offending member, key or alternative only,
// so the compiler's "in instantiation of" note spells it out
// (payload_name<'s', 'r', 'c'>, in_alternative_key<Command::copy>).
#pragma once

#include <cstddef>
#include <utility>

#include "../abi.hpp"
#include "../fixed_string.hpp"
#include "payload_rules.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace detail {

// A name spelled out character by character, which both compilers print
// readably in a note (a fixed_string argument prints as a list of numbers
// in clang's).
template <char... Name>
struct payload_name {};

template <fixed_string Name, std::size_t... I>
auto spell_payload_name(std::index_sequence<I...>) -> payload_name<Name.value[I]...>;

template <fixed_string Name>
using payload_name_t = decltype(spell_payload_name<Name>(std::make_index_sequence<Name.size()>{}));

// Where a payload type sits, for the note of payload_type_rules.
struct in_described_struct_member;
struct in_keyed_alternative_field;
struct in_keyed_union_key;
struct in_record_body;

// The payload type rules (payload_rules.hpp), reported for the type of the
// part named Name, which sits Where.
template <class Where, class Name>
struct payload_type_rules {
  template <payload_type_problem P>
  static constexpr bool report() {
    static_assert(P != payload_type_problem::not_a_sized_object,
                  "mailbox: a payload type must be a complete, non-const, non-volatile object type (no "
                  "references, no arrays of unknown bound)");
    static_assert(P != payload_type_problem::not_trivially_copyable,
                  "mailbox: a payload type must be trivially copyable, because the other side reads it as "
                  "raw bytes");
    static_assert(P != payload_type_problem::is_bool,
                  "mailbox: a payload type may not be bool (or an array of bool): a peer can store any "
                  "byte, and a bool holding 2 is undefined behaviour; use std::uint8_t");
    static_assert(P != payload_type_problem::is_unfixed_enum,
                  "mailbox: a payload enum needs a fixed underlying type (enum class, or enum E : "
                  "std::int32_t): a peer can store any value, and one outside an unfixed enum's range is "
                  "undefined behaviour");
    static_assert(P != payload_type_problem::is_pointer,
                  "mailbox: a payload type may not be a pointer (or an array of pointers): an address "
                  "means nothing in the other process; store an offset or an index");
    // invalid_description: the description reported its own mistake.
    return P == payload_type_problem::none;
  }
};

// Mistakes in a struct's member description (mailbox::members).
template <class Name>
struct in_struct_member {
  template <bool Ok>
  static constexpr bool name_is_not_empty() {
    static_assert(Ok, "mailbox::members: a member's name must not be empty");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool name_has_no_dot() {
    static_assert(Ok,
                  "mailbox::members: a member's name may not contain '.', which separates the parts of a "
                  "path such as \"config.timeout_ms\"");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool ends_within_the_struct() {
    static_assert(Ok, "mailbox::members: a member ends past the end of the struct (offset + size > sizeof)");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool name_is_unique() {
    static_assert(Ok, "mailbox::members: two members have the same name");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool does_not_overlap() {
    static_assert(Ok, "mailbox::members: two members overlap");
    return Ok;
  }
};

template <class Struct>
struct in_described_struct {
  template <bool Ok>
  static constexpr bool is_a_trivially_copyable_class() {
    static_assert(Ok, "mailbox::members: the described type must be a trivially copyable class");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool holds_only_members() {
    static_assert(Ok, "mailbox::members: holds only mailbox::member<\"name\", T, offset> entries");
    return Ok;
  }
};

// Mistakes in a keyed union (mailbox::keyed), reported for the key, an
// alternative, a field of an alternative or a group. Key is the key value
// as written (Command::copy); the names are payload_name<...>.
template <class KeyName>
struct in_keyed_union {
  template <bool Ok>
  static constexpr bool key_type_is_an_integer() {
    static_assert(Ok,
                  "mailbox::keyed: the key type must be an integer (not bool) or an enum with a fixed "
                  "underlying type, of 1, 2, 4 or 8 bytes");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool key_name_is_valid() {
    static_assert(Ok, "mailbox::keyed: the key's name must not be empty nor contain '.'");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool holds_only_alternatives() {
    static_assert(
        Ok,
        "mailbox::keyed: after the key's name and type, holds only mailbox::alternative<Key, "
        "\"name\", field...>, mailbox::alternative_group<\"name\", mailbox::key_range<First, Last>, "
        "alternative...> and at most one mailbox::total_size<N>");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool total_size_holds_every_alternative() {
    static_assert(Ok,
                  "mailbox::keyed: mailbox::total_size<N> is smaller than the key and the largest "
                  "alternative, or not a multiple of the union's alignment");
    return Ok;
  }
};

template <class Name>
struct in_alternative {
  template <bool Ok>
  static constexpr bool name_is_valid() {
    static_assert(Ok,
                  "mailbox::keyed: an alternative's name must not be empty nor contain '.', nor be the "
                  "key's name");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool name_is_unique() {
    static_assert(Ok, "mailbox::keyed: two alternatives have the same name");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool holds_only_fields() {
    static_assert(Ok,
                  "mailbox::keyed: an alternative holds only mailbox::field<...> (no state, flag or record)");
    return Ok;
  }
};

template <auto Key>
struct in_alternative_key {
  template <bool Ok>
  static constexpr bool has_the_key_type() {
    static_assert(Ok,
                  "mailbox::keyed: an alternative's key must have the union's key type (an integer key "
                  "may also be an integer literal that fits it)");
    return Ok;
  }
  template <bool Ok, class First, class Second>
  static constexpr bool is_unique() {
    static_assert(Ok, "mailbox::keyed: two alternatives have the same key (First and Second below)");
    return Ok;
  }
  template <bool Ok, class Group>
  static constexpr bool is_in_its_groups_range() {
    static_assert(Ok,
                  "mailbox::keyed: an alternative's key lies outside the key_range of its alternative_group");
    return Ok;
  }
  template <bool Ok, class Group>
  static constexpr bool is_outside_other_groups_ranges() {
    static_assert(Ok,
                  "mailbox::keyed: an alternative's key lies in the key_range another alternative_group "
                  "reserves (Group below)");
    return Ok;
  }
};

template <class Alternative, class Field>
struct in_alternative_field {
  template <bool Ok>
  static constexpr bool name_is_valid() {
    static_assert(Ok, "mailbox::keyed: a field's name must not be empty nor contain '.'");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool name_is_unique() {
    static_assert(Ok, "mailbox::keyed: two fields of one alternative have the same name");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool lies_after_the_key_and_within_the_union() {
    static_assert(Ok,
                  "mailbox::keyed: a field of an alternative overlaps the key or ends past the union's "
                  "mailbox::total_size (pinned offsets count from the start of the keyed union)");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool does_not_overlap() {
    static_assert(Ok, "mailbox::keyed: two fields of one alternative overlap");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool pinned_offset_is_aligned() {
    static_assert(Ok, "mailbox::keyed: a pinned offset is not a multiple of the field type's alignment");
    return Ok;
  }
};

template <class Group>
struct in_alternative_group {
  template <bool Ok>
  static constexpr bool is_well_formed() {
    static_assert(Ok,
                  "mailbox::alternative_group: needs a name (not empty), a mailbox::key_range<First, Last> "
                  "with First <= Last, both of the key type, and only mailbox::alternative<...> entries");
    return Ok;
  }
  template <bool Ok>
  static constexpr bool name_is_unique() {
    static_assert(Ok, "mailbox::keyed: two alternative_groups have the same name");
    return Ok;
  }
  template <bool Ok, class Other>
  static constexpr bool range_does_not_overlap() {
    static_assert(Ok, "mailbox::keyed: the key_ranges of two alternative_groups overlap (Other below)");
    return Ok;
  }
};

}  // namespace detail
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
