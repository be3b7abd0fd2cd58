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
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "fingerprint.hpp"
#include "layout.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

// What one element of a field is, in words another language understands.
// std::byte is "byte"; unsigned char is "uint" of size 1.
template <class T>
constexpr std::string_view element_kind() noexcept {
  using E = std::remove_all_extents_t<T>;
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
  } else {
    return "struct";  // opaque bytes: only its size and alignment are known
  }
}

// The layout helper's overlays and flags add `overlay` and `is_flag` to
// field_info; these read them where they exist, so this header works with
// layouts from before and after that change.
template <class Info>
constexpr std::string_view overlay_of_info(const Info& info) noexcept {
  if constexpr (requires { info.overlay; }) {
    return info.overlay;
  } else {
    return {};
  }
}

template <class Info>
constexpr bool is_flag_info(const Info& info) noexcept {
  if constexpr (requires { info.is_flag; }) {
    return info.is_flag;
  } else {
    return false;
  }
}

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

template <class T>
void append_json_shape(std::string& out) {
  out += '[';
  if constexpr (std::rank_v < T >> 0) {
    [&]<std::size_t... D>(std::index_sequence<D...>) {
      std::size_t i = 0;
      ((out += (i++ ? ", " : "") + std::to_string(std::extent_v<T, D>)), ...);
    }
    (std::make_index_sequence<std::rank_v<T>>{});
  }
  out += ']';
}

}  // namespace detail

// The layout as one JSON object (UTF-8, no trailing newline):
//
//   {"format": "mailbox-layout-1", "fingerprint": "0x...", "version": 0,
//    "size": 4096, "alignment": 8, "header_size": 64, "header_magic": "0x...",
//    "pointer_bits": 64, "little_endian": true, "blocking_waiters": false,
//    "state": "state", "valid_states": [0, 1, 2] | null,
//    "overlays": ["control", ...], "flags": ["shutdown", ...],
//    "fields": [{"name": "args", "role": "payload", "offset": 64, "size": 128,
//                "alignment": 8, "kind": "uint", "element_size": 8,
//                "shape": [16], "pinned": true, "overlay": null}, ...]}
//
// 64-bit values that a JSON reader might round (fingerprint, magic) are hex
// strings; "role" is "state", "payload" or "flag"; "shape" is empty for a
// scalar; states are the state word's integer values.
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
  if constexpr (requires { Layout::overlay_names; }) {
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
    for (const auto& f : Layout::fields) {
      if (!detail::is_flag_info(f)) continue;
      out += first ? "" : ", ";
      first = false;
      append_json_string(out, f.name);
    }
  }

  out += "], \"fields\": [";
  bool first = true;
  Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
    using T = typename Decl::type;
    const auto& info = Layout::fields[Layout::template index_of<Decl::name>];
    out += first ? "{" : ", {";
    first = false;
    out += "\"name\": ";
    append_json_string(out, info.name);
    out += ", \"role\": ";
    out += info.is_state ? "\"state\"" : detail::is_flag_info(info) ? "\"flag\"" : "\"payload\"";
    out += ", \"offset\": " + std::to_string(Offset);
    out += ", \"size\": " + std::to_string(sizeof(T));
    out += ", \"alignment\": " + std::to_string(info.alignment);
    out += ", \"kind\": ";
    append_json_string(out, detail::element_kind<T>());
    out += ", \"element_size\": " + std::to_string(sizeof(std::remove_all_extents_t<T>));
    out += ", \"shape\": ";
    detail::append_json_shape<T>(out);
    out += info.is_pinned ? ", \"pinned\": true" : ", \"pinned\": false";
    out += ", \"overlay\": ";
    const std::string_view overlay = detail::overlay_of_info(info);
    if (overlay.empty()) {
      out += "null";
    } else {
      append_json_string(out, overlay);
    }
    out += '}';
  });
  out += "]}";
  return out;
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
