// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A layout described as JSON, for code in languages without bindings (and for
// tools that check another language's hand-written offsets against ours):
// every member's name, role, offset, size, alignment, element kind and array
// shape, the overlays and flags, the declared states and the fingerprint.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "description.hpp"
#include "fingerprint.hpp"
#include "layout.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

inline void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

inline void append_json_shape(std::string& out, std::span<const std::size_t> shape) {
  out += '[';
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  out += ']';
}

inline void append_json_key(std::string& out, std::uint64_t key, bool is_signed) {
  out += is_signed ? std::to_string(static_cast<long long>(key)) : std::to_string(key);
}

inline void append_json_member(std::string& out, const member_info& m);

// What a type description adds inside a field's or member's object: its
// members, its keyed union, its record parts (nothing for a plain type).
inline void append_json_parts(std::string& out, const type_description& type) {
  if (!type.members.empty()) {
    out += ", \"members\": [";
    for (std::size_t i = 0; i < type.members.size(); ++i) {
      out += i ? ", " : "";
      append_json_member(out, type.members[i]);
    }
    out += ']';
  }
  if (type.keyed != nullptr) {
    const keyed_description& k = *type.keyed;
    out += ", \"keyed\": {\"key\": ";
    append_json_member(out, k.key);
    out += k.key_is_signed ? ", \"key_is_signed\": true" : ", \"key_is_signed\": false";
    out += ", \"alternatives_offset\": " + std::to_string(k.alternatives_offset);
    out += ", \"alternatives\": [";
    for (std::size_t a = 0; a < k.alternatives.size(); ++a) {
      const alternative_info& alt = k.alternatives[a];
      out += a ? ", {\"name\": " : "{\"name\": ";
      append_json_string(out, alt.name);
      out += ", \"key\": ";
      append_json_key(out, alt.key, k.key_is_signed);
      out += ", \"group\": ";
      if (alt.group.empty()) {
        out += "null";
      } else {
        append_json_string(out, alt.group);
      }
      out += ", \"end\": " + std::to_string(alt.end) + ", \"fields\": [";
      for (std::size_t f = 0; f < alt.fields.size(); ++f) {
        out += f ? ", " : "";
        append_json_member(out, alt.fields[f]);
      }
      out += "]}";
    }
    out += "], \"groups\": [";
    for (std::size_t g = 0; g < k.groups.size(); ++g) {
      out += g ? ", {\"name\": " : "{\"name\": ";
      append_json_string(out, k.groups[g].group);
      out += ", \"first\": ";
      append_json_key(out, k.groups[g].first, k.key_is_signed);
      out += ", \"last\": ";
      append_json_key(out, k.groups[g].last, k.key_is_signed);
      out += '}';
    }
    out += "]}";
  }
  if (type.record != nullptr) {
    const record_description& r = *type.record;
    out += ", \"record\": {\"sequence_offset\": " + std::to_string(r.sequence_offset) +
           ", \"schema_offset\": " + std::to_string(r.schema_offset) +
           ", \"generation_offset\": " + std::to_string(r.generation_offset) +
           ", \"body_offset\": " + std::to_string(r.body_offset) +
           ", \"body_words\": " + std::to_string(r.body_words) + ", \"schema\": " + std::to_string(r.schema) +
           ", \"body\": {";
    const type_description& body = *r.body;
    out += "\"size\": " + std::to_string(body.size) + ", \"alignment\": " + std::to_string(body.alignment) +
           ", \"kind\": ";
    append_json_string(out, body.kind);
    out += ", \"element_size\": " + std::to_string(body.element_size) + ", \"shape\": ";
    append_json_shape(out, body.shape);
    append_json_parts(out, body);
    out += "}}";
  }
}

// A member of a described struct, a field of an alternative or a keyed
// union's key: offsets from the start of the enclosing struct or union.
inline void append_json_member(std::string& out, const member_info& m) {
  out += "{\"name\": ";
  append_json_string(out, m.name);
  out += ", \"offset\": " + std::to_string(m.offset) + ", \"size\": " + std::to_string(m.type->size) +
         ", \"alignment\": " + std::to_string(m.type->alignment) + ", \"kind\": ";
  append_json_string(out, m.type->kind);
  out += ", \"element_size\": " + std::to_string(m.type->element_size) + ", \"shape\": ";
  append_json_shape(out, m.type->shape);
  append_json_parts(out, *m.type);
  out += '}';
}

}  // namespace detail

// The layout as one JSON object (UTF-8, no trailing newline):
//
//   {"format": "mailbox-layout-1", "fingerprint": "0x...", "version": 0,
//    "size": 4096, "alignment": 8, "header_size": 64, "header_magic": "0x...",
//    "pointer_bits": 64, "little_endian": true, "blocking_waiters": false,
//    "state": "state", "valid_states": [0, 1, 2] | null,
//    "overlays": ["control", ...], "flags": ["shutdown", ...], "records": ["teardown", ...],
//    "fields": [{"name": "args", "role": "payload", "offset": 64, "size": 128,
//                "alignment": 8, "kind": "uint", "element_size": 8,
//                "shape": [16], "pinned": true, "overlay": null}, ...]}
//
// 64-bit values that a JSON reader might round (fingerprint, magic) are hex
// strings; "role" is "state", "payload", "flag" or "record"; "shape" is
// empty for a scalar; states are the state word's integer values. A field
// whose type is a described struct adds "members" (each with name, offset
// from the struct's start, size, alignment, kind, element_size, shape, and
// its own members); a keyed union (kind "keyed") adds "keyed": {"key",
// "key_is_signed", "alternatives_offset", "alternatives": [{"name", "key",
// "group", "end", "fields"}], "groups": [{"name", "first", "last"}]}, with
// offsets from the union's start; a record (role "record") adds "record":
// {"sequence_offset", "schema_offset", "generation_offset", "body_offset",
// "body_words", "schema", "body"}, offsets from the record's start
// (docs/payloads.md).
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] std::string to_json() {
  using detail::append_json_string;
  std::string out = "{\"format\": \"mailbox-layout-1\"";
  const auto number = [&](std::string_view key, std::uint64_t value) {
    out += ", ";
    append_json_string(out, key);
    out += ": " + std::to_string(value);
  };
  const auto boolean = [&](std::string_view key, bool value) {
    out += ", ";
    append_json_string(out, key);
    out += value ? ": true" : ": false";
  };
  out += ", \"fingerprint\": \"" + detail::hex(fingerprint<Layout, UserVersion>) + "\"";
  number("version", UserVersion);
  number("size", Layout::size);
  number("alignment", Layout::alignment);
  number("header_size", header_size<Layout>);
  out += ", \"header_magic\": \"" + detail::hex(header_magic) + "\"";
  number("pointer_bits", sizeof(void*) * 8);
  boolean("little_endian", std::endian::native == std::endian::little);
  boolean("blocking_waiters", Layout::has_blocking_waiters);
  out += ", \"state\": ";
  append_json_string(out, Layout::state_name);

  out += ", \"valid_states\": ";
  if constexpr (Layout::declares_valid_states) {
    out += '[';
    bool first = true;
    for (const auto& v : Layout::valid_state_values) {
      using word = detail::word_for<typename Layout::state_type>;
      using signed_word = std::make_signed_t<word>;
      const word bits = std::bit_cast<word>(v);
      // The state's own signedness decides how its bits read as a number.
      using underlying = std::conditional_t<std::is_enum_v<typename Layout::state_type>,
                                            std::underlying_type<typename Layout::state_type>,
                                            std::type_identity<typename Layout::state_type>>;
      out += first ? "" : ", ";
      first = false;
      if constexpr (std::is_signed_v<typename underlying::type>) {
        out += std::to_string(static_cast<long long>(std::bit_cast<signed_word>(bits)));
      } else {
        out += std::to_string(static_cast<unsigned long long>(bits));
      }
    }
    out += ']';
  } else {
    out += "null";
  }

  out += ", \"overlays\": [";
  {
    bool first = true;
    for (const std::string_view name : Layout::overlay_names) {
      out += first ? "" : ", ";
      first = false;
      append_json_string(out, name);
    }
  }
  out += "], \"flags\": [";
  {
    bool first = true;
    for (const field_info& f : Layout::fields) {
      if (!f.is_flag) continue;
      out += first ? "" : ", ";
      first = false;
      append_json_string(out, f.name);
    }
  }

  out += "], \"records\": [";
  {
    bool first = true;
    for (const field_info& f : Layout::fields) {
      if (!f.is_record) continue;
      out += first ? "" : ", ";
      first = false;
      append_json_string(out, f.name);
    }
  }

  out += "], \"fields\": [";
  bool first = true;
  for (const field_info& f : Layout::fields) {
    out += first ? "{" : ", {";
    first = false;
    out += "\"name\": ";
    append_json_string(out, f.name);
    out += ", \"role\": ";
    out += f.is_state ? "\"state\"" : f.is_flag ? "\"flag\"" : f.is_record ? "\"record\"" : "\"payload\"";
    out += ", \"offset\": " + std::to_string(f.offset);
    out += ", \"size\": " + std::to_string(f.size);
    out += ", \"alignment\": " + std::to_string(f.alignment);
    out += ", \"kind\": ";
    append_json_string(out, f.type->kind);
    out += ", \"element_size\": " + std::to_string(f.type->element_size);
    out += ", \"shape\": ";
    detail::append_json_shape(out, f.type->shape);
    out += f.is_pinned ? ", \"pinned\": true" : ", \"pinned\": false";
    out += ", \"overlay\": ";
    if (f.overlay.empty()) {
      out += "null";
    } else {
      append_json_string(out, f.overlay);
    }
    detail::append_json_parts(out, *f.type);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
