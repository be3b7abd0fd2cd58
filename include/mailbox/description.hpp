// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// What a payload type is, as constexpr data that code walks at run time
// without a template per type: mailbox::description_of<T> gives a field's
// kind, size, alignment and array shape, and for the payload structures of
// this library (a struct described by member, a keyed union, a committed
// record) the parts inside it. to_json, c_definitions, the fingerprint and
// the language bindings read these, so a C or Python peer sees the same
// offsets the C++ code uses.
//
//   const mailbox::type_description& d = mailbox::description_of<CallConfig>;
//   for (const mailbox::member_info& m : d.members)
//     std::printf("%s at %zu, %zu bytes\n", m.name.data(), m.offset, m.type->size);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

struct type_description;

// One named part of a described type: a member of a struct, a field of one
// alternative of a keyed union, or a keyed union's key.
struct member_info {
  std::string_view name;
  std::size_t offset;  // from the start of the enclosing struct or keyed union
  const type_description* type;
};

// One alternative of a keyed union: the key value that selects it, and its
// fields (offsets from the start of the keyed union).
struct alternative_info {
  std::string_view name;
  // The key's value converted to 64 bits: sign-extended when the key type is
  // signed (keyed_description::key_is_signed), zero-extended otherwise.
  std::uint64_t key;
  std::string_view group;  // the alternative_group it was declared in; empty if none
  std::size_t end;         // where its last field ends, from the start of the keyed union
  std::span<const member_info> fields;
};

// The keys an alternative_group reserves, first and last included (converted
// as alternative_info::key is).
struct key_range_info {
  std::string_view group;
  std::uint64_t first;
  std::uint64_t last;
};

// A keyed union: a key word at offset 0, then a union of alternatives. A
// reader reads the key and reads an alternative's fields only when the key
// selects it; any other key value (a peer's garbage, a command this side does
// not know) selects nothing.
struct keyed_description {
  member_info key;
  bool key_is_signed;
  std::size_t alternatives_offset;  // where the union of the alternatives starts
  std::span<const alternative_info> alternatives;
  std::span<const key_range_info> groups;
};

// A committed record (mailbox::record): a sequence word, the schema and
// generation, then the body. The writer makes the sequence odd, writes
// schema, generation and body, then release-stores the next even sequence;
// a reader copies between two loads of the sequence and keeps the copy only
// if both loads saw the same even value (docs/payloads.md spells out the
// protocol for a peer in another language).
struct record_description {
  std::size_t sequence_offset;    // std::uint64_t
  std::size_t schema_offset;      // std::uint32_t: `schema` below when valid, 0 when cleared
  std::size_t generation_offset;  // std::uint32_t: the writer's generation key
  std::size_t body_offset;
  std::size_t body_words;  // the body is copied as this many std::uint64_t words
  std::uint32_t schema;    // what a valid record of this body type holds at schema_offset
  const type_description* body;
};

// What a type is. `kind` names the element (arrays: the element's kind):
// "int", "uint", "float", "char" (char), "byte" (std::byte), "enum_int",
// "enum_uint", "struct" (a class: see `members`), "keyed" (see `keyed`),
// "record" (see `record`); "bool" and "pointer" only for types a layout
// refuses. `shape` holds an array's extents, outermost first (empty for a
// scalar). `members` lists a struct's members when it is described
// (MAILBOX_DESCRIBE); a struct without a description is opaque bytes.
struct type_description {
  std::string_view kind;
  // The language's own classification (detail::type_kind_id), the same in
  // every compiler mode: what the fingerprint hashes.
  std::uint64_t fingerprint_kind;
  std::size_t size;
  std::size_t alignment;
  std::size_t element_size;
  std::span<const std::size_t> shape;
  std::span<const member_info> members;
  const keyed_description* keyed;
  const record_description* record;
};

// The tag through which a struct's description is found by argument-
// dependent lookup (members.hpp): a type of its own, so a struct derived
// from a described one is not taken for it.
template <class T>
struct type_tag {};

namespace detail {

// What kind of scalar a type is, so that int32_t and float (same size and
// alignment) fingerprint differently. Arrays: the element's kind. The
// classification asks the language, not <type_traits>: std::is_integral and
// std::is_floating_point answer differently for __int128 and __float128
// under -std=c++20 and -std=gnu++20, and both sides of a region must agree
// whatever mode each was built in. Class, union and enum are compiler
// intrinsics; among the remaining arithmetic types, 1 / 2 tells a floating
// type from an integer and -1 < 0 a signed one from an unsigned.
enum class type_kind_id : std::uint64_t {
  record = 1,  // a class or union: its size and alignment are all we can see
  character = 2,
  signed_enum = 3,
  unsigned_enum = 4,
  floating = 5,
  signed_integer = 6,
  unsigned_integer = 7,
  unsupported = 8,  // bool and pointers, which no payload may hold (described for the diagnostics only)
};

template <class T>
constexpr type_kind_id type_kind() noexcept {
  using E = std::remove_cv_t<std::remove_all_extents_t<T>>;
  if constexpr (std::is_class_v<E> || std::is_union_v<E>) {
    return type_kind_id::record;
  } else if constexpr (std::is_same_v<E, bool> || std::is_pointer_v<E> || std::is_member_pointer_v<E> ||
                       std::is_null_pointer_v<E>) {
    return type_kind_id::unsupported;
  } else if constexpr (std::is_same_v<E, char> || std::is_same_v<E, char8_t> || std::is_same_v<E, char16_t> ||
                       std::is_same_v<E, char32_t> || std::is_same_v<E, wchar_t>) {
    return type_kind_id::character;
  } else if constexpr (std::is_enum_v<E>) {
    using U = std::underlying_type_t<E>;
    return static_cast<U>(-1) < static_cast<U>(0) ? type_kind_id::signed_enum : type_kind_id::unsigned_enum;
  } else if constexpr (static_cast<E>(1) / static_cast<E>(2) != static_cast<E>(0)) {
    return type_kind_id::floating;
  } else {
    return static_cast<E>(-1) < static_cast<E>(0) ? type_kind_id::signed_integer
                                                  : type_kind_id::unsigned_integer;
  }
}

// The description a MAILBOX_DESCRIBE(T, ...) declared for T, found by
// argument-dependent lookup in T's namespace (members.hpp).
template <class T>
concept has_member_description = std::is_class_v<T> && requires {
  mailbox_describe(type_tag<T>{});
};

template <class T>
concept has_keyed_description = std::is_class_v<T> && requires {
  { T::mailbox_keyed_description } -> std::convertible_to<const keyed_description&>;
};

template <class T>
concept has_record_description = std::is_class_v<T> && requires {
  { T::mailbox_record_description } -> std::convertible_to<const record_description&>;
};

// What one element of a type is, in words another language understands.
// std::byte is "byte"; unsigned char is "uint" of size 1.
template <class T>
constexpr std::string_view element_kind() noexcept {
  using E = std::remove_cv_t<std::remove_all_extents_t<T>>;
  if constexpr (std::is_same_v<E, bool>) {
    return "bool";
  } else if constexpr (std::is_same_v<E, char>) {
    return "char";
  } else if constexpr (std::is_same_v<E, std::byte>) {
    return "byte";
  } else if constexpr (std::is_enum_v<E>) {
    return std::is_signed_v<std::underlying_type_t<E>> ? "enum_int" : "enum_uint";
  } else if constexpr (std::is_floating_point_v<E>) {
    return "float";
  } else if constexpr (std::is_integral_v<E> && std::is_signed_v<E>) {
    return "int";
  } else if constexpr (std::is_integral_v<E>) {
    return "uint";
  } else if constexpr (std::is_pointer_v<E>) {
    return "pointer";
  } else if constexpr (has_keyed_description<E>) {
    return "keyed";
  } else if constexpr (has_record_description<E>) {
    return "record";
  } else {
    return "struct";
  }
}

template <class T>
inline constexpr auto extents_of = []<std::size_t... D>(std::index_sequence<D...>) {
  return std::array<std::size_t, sizeof...(D)>{std::extent_v<T, D>...};
}
(std::make_index_sequence<std::rank_v<T>>{});

template <class T>
using described_members_of = decltype(mailbox_describe(type_tag<T>{}));

template <class E>
constexpr std::span<const member_info> member_infos_of() noexcept {
  if constexpr (has_member_description<E>) {
    return described_members_of<E>::infos;
  } else {
    return {};
  }
}

template <class E>
constexpr const keyed_description* keyed_description_of() noexcept {
  if constexpr (has_keyed_description<E>) {
    return &E::mailbox_keyed_description;
  } else {
    return nullptr;
  }
}

template <class E>
constexpr const record_description* record_description_of() noexcept {
  if constexpr (has_record_description<E>) {
    return &E::mailbox_record_description;
  } else {
    return nullptr;
  }
}

}  // namespace detail

// The description of T (any complete object type a layout may hold).
template <class T>
inline constexpr type_description description_of = {
    detail::element_kind<T>(),
    static_cast<std::uint64_t>(detail::type_kind<T>()),
    sizeof(T),
    alignof(T),
    sizeof(std::remove_all_extents_t<T>),
    detail::extents_of<T>,
    detail::member_infos_of<std::remove_cv_t<std::remove_all_extents_t<T>>>(),
    detail::keyed_description_of<std::remove_cv_t<std::remove_all_extents_t<T>>>(),
    detail::record_description_of<std::remove_cv_t<std::remove_all_extents_t<T>>>(),
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
