// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// FNV-1a mixing for fingerprints, and the hash of a type description: what
// the layout fingerprint adds for described structs, keyed unions and
// committed records, and what a record's schema number is made of.
#pragma once

#include <cstdint>
#include <string_view>

#include "../abi.hpp"
#include "../description.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace detail {

inline constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ull;
inline constexpr std::uint64_t fnv_prime = 0x100000001b3ull;

constexpr std::uint64_t mix(std::uint64_t hash, std::uint64_t value) noexcept {
  for (int i = 0; i < 8; ++i) {
    hash ^= (value >> (8 * i)) & 0xffu;
    hash *= fnv_prime;
  }
  return hash;
}

constexpr std::uint64_t mix(std::uint64_t hash, std::string_view text) noexcept {
  hash = mix(hash, text.size());
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= fnv_prime;
  }
  return hash;
}

constexpr std::uint64_t mix_type(std::uint64_t hash, const type_description& type) noexcept;

// The parts of a type that its size and kind do not say: a described
// struct's members, a keyed union's key and alternatives, a record's
// header and body. Nothing for any other type, so that a layout without
// these structures keeps the fingerprint it had before they existed.
constexpr std::uint64_t mix_type_parts(std::uint64_t hash, const type_description& type) noexcept {
  if (!type.members.empty()) {
    hash = mix(hash, std::string_view("members"));
    hash = mix(hash, type.members.size());
    for (const member_info& m : type.members) {
      hash = mix(hash, m.name);
      hash = mix(hash, m.offset);
      hash = mix_type(hash, *m.type);
    }
  }
  if (type.keyed != nullptr) {
    const keyed_description& k = *type.keyed;
    hash = mix(hash, std::string_view("keyed"));
    hash = mix(hash, k.key.name);
    hash = mix(hash, k.key.offset);
    hash = mix_type(hash, *k.key.type);
    hash = mix(hash, k.alternatives_offset);
    hash = mix(hash, k.alternatives.size());
    for (const alternative_info& a : k.alternatives) {
      hash = mix(hash, a.name);
      hash = mix(hash, a.key);
      hash = mix(hash, a.fields.size());
      for (const member_info& f : a.fields) {
        hash = mix(hash, f.name);
        hash = mix(hash, f.offset);
        hash = mix_type(hash, *f.type);
      }
    }
  }
  if (type.record != nullptr) {
    const record_description& r = *type.record;
    hash = mix(hash, std::string_view("record"));
    hash = mix(hash, r.sequence_offset);
    hash = mix(hash, r.schema_offset);
    hash = mix(hash, r.generation_offset);
    hash = mix(hash, r.body_offset);
    hash = mix(hash, r.body_words);
    hash = mix(hash, r.schema);
    hash = mix_type(hash, *r.body);
  }
  return hash;
}

// A whole type: its kind (the language's classification, not the compiler
// mode's), size, element size, extents and parts. Not its alignment, as in
// the layout fingerprint: alignment only decides offsets, which are hashed.
constexpr std::uint64_t mix_type(std::uint64_t hash, const type_description& type) noexcept {
  hash = mix(hash, type.fingerprint_kind);
  hash = mix(hash, type.size);
  hash = mix(hash, type.element_size);
  hash = mix(hash, type.shape.size());
  for (const std::size_t extent : type.shape) hash = mix(hash, extent);
  return mix_type_parts(hash, type);
}

}  // namespace detail
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
