// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// What Python needs to know of each member of a layout, as data: where it
// is, what one element is and how many there are. Made once, at compile
// time, from the layout's declaration; everything after that (conversions,
// views, error messages) reads these descriptions instead of instantiating
// a template per field or per user type.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../abi.hpp"
#include "../description.hpp"
#include "../layout.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python {

// What one element of a member is, as Python converts it.
enum class element_kind : std::uint8_t {
  signed_integer,    // int8 .. int64, and enums over them
  unsigned_integer,  // uint8 .. uint64, and enums over them
  floating,          // float, double
  character,         // char: text
  byte,              // std::byte (and unsigned char in a byte array)
  record,            // anything else: structs, long double, 128-bit integers; raw bytes
};

// How Python sees the whole member.
enum class field_shape : std::uint8_t {
  scalar,   // one number: int or float
  text,     // char[N]: str, UTF-8, NUL-terminated
  bytes,    // std::byte[N], unsigned char[N]: bytes
  numbers,  // a 1-D array of numbers: list
  opaque,   // structs, multi-dimensional arrays: bytes of exactly its size
};

// A committed record (mailbox::record) is no payload: no token reaches it;
// the mailbox's write_record, read_record and clear_record do.
enum class field_role : std::uint8_t { state, payload, flag, record };

// The deepest array whose extents a memoryview shows; deeper arrays are
// shown flat.
inline constexpr std::size_t max_view_rank = 8;

struct field_desc {
  std::string_view name;
  std::string_view overlay;  // empty for common fields, the state word and flags
  std::size_t offset = 0;
  std::size_t size = 0;
  std::size_t count = 1;  // elements: the product of the extents (1 for a scalar)
  std::size_t element_size = 0;
  element_kind kind = element_kind::record;
  field_shape shape = field_shape::opaque;
  field_role role = field_role::payload;
  bool is_state_type = false;  // the element has the layout's state type: it reads as Name.State
  bool is_enum = false;
  std::size_t rank = 0;
  std::array<std::size_t, max_view_rank> extents{};
  const char* format = "B";                // the struct module's code of one element, for memoryviews
  const type_description* type = nullptr;  // what the declaration says (description.hpp); null for paths
  // What t.view(name) shows: a numeric array's extents (deeper than
  // max_view_rank: flat), one element for a scalar, the bytes of text, byte
  // arrays and records; C-contiguous strides.
  std::size_t view_ndim = 1;
  std::size_t view_itemsize = 1;
  std::array<std::ptrdiff_t, max_view_rank> view_shape{};
  std::array<std::ptrdiff_t, max_view_rank> view_strides{};
};

namespace detail {

template <class E>
constexpr element_kind kind_of_element() {
  if constexpr (std::is_same_v<E, char>) {
    return element_kind::character;
  } else if constexpr (std::is_same_v<E, std::byte>) {
    return element_kind::byte;
  } else if constexpr (std::is_enum_v<E>) {
    return kind_of_element<std::underlying_type_t<E>>();
  } else if constexpr (std::is_same_v<E, bool>) {
    return element_kind::record;  // refused by the layout; never converted
  } else if constexpr (std::is_integral_v<E> &&
                       (sizeof(E) == 1 || sizeof(E) == 2 || sizeof(E) == 4 || sizeof(E) == 8)) {
    return std::is_signed_v<E> ? element_kind::signed_integer : element_kind::unsigned_integer;
  } else if constexpr (std::is_same_v<E, float> || std::is_same_v<E, double>) {
    return element_kind::floating;
  } else {
    return element_kind::record;
  }
}

constexpr bool is_number(element_kind k) noexcept {
  return k == element_kind::signed_integer || k == element_kind::unsigned_integer ||
         k == element_kind::floating;
}

constexpr const char* format_of(element_kind kind, std::size_t size) noexcept {
  switch (kind) {
    case element_kind::signed_integer:
      return size == 1 ? "b" : size == 2 ? "h" : size == 4 ? "i" : "q";
    case element_kind::unsigned_integer:
      return size == 1 ? "B" : size == 2 ? "H" : size == 4 ? "I" : "Q";
    case element_kind::floating:
      return size == 4 ? "f" : "d";
    default:
      return "B";  // text, bytes and records: their bytes
  }
}

template <class T>
constexpr void fill_extents(field_desc& d, std::size_t dimension) {
  if constexpr (std::rank_v < T >> 0) {
    if (dimension < max_view_rank) d.extents[dimension] = std::extent_v<T>;
    fill_extents<std::remove_extent_t<T>>(d, dimension + 1);
  }
}

constexpr void fill_view(field_desc& d) {
  const bool numbers = is_number(d.kind);
  d.view_ndim = 1;
  if (!numbers) {
    d.view_shape[0] = static_cast<std::ptrdiff_t>(d.size);
  } else if (d.rank == 0 || d.rank > max_view_rank) {
    d.view_shape[0] = static_cast<std::ptrdiff_t>(d.count);
  } else {
    d.view_ndim = d.rank;
    for (std::size_t r = 0; r < d.rank; ++r) d.view_shape[r] = static_cast<std::ptrdiff_t>(d.extents[r]);
  }
  d.view_itemsize = numbers ? d.element_size : 1;
  std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(d.view_itemsize);
  for (std::size_t r = d.view_ndim; r-- > 0;) {
    d.view_strides[r] = stride;
    stride *= d.view_shape[r];
  }
}

// The shape, view and format of a member whose kind, sizes and extents are
// set.
constexpr void finish_desc(field_desc& d, bool unsigned_char_elements) {
  if (d.rank == 0) {
    d.shape = is_number(d.kind) ? field_shape::scalar : field_shape::opaque;
  } else if (d.rank > 1) {
    d.shape = field_shape::opaque;
  } else if (d.kind == element_kind::character) {
    d.shape = field_shape::text;
  } else if (d.kind == element_kind::byte || unsigned_char_elements) {
    d.shape = field_shape::bytes;
  } else {
    d.shape = is_number(d.kind) ? field_shape::numbers : field_shape::opaque;
  }
  fill_view(d);
  // Records, text and bytes are shown as their bytes.
  if (d.kind == element_kind::record || d.kind == element_kind::character || d.kind == element_kind::byte) {
    d.format = "B";
  } else {
    d.format = format_of(d.kind, d.element_size);
  }
}

template <class T, class State>
constexpr field_desc describe_member(const field_info& info, field_role role) {
  using E = std::remove_all_extents_t<T>;
  field_desc d;
  d.name = info.name;
  d.overlay = info.overlay;
  d.offset = info.offset;
  d.size = sizeof(T);
  d.element_size = sizeof(E);
  d.count = sizeof(T) / sizeof(E);
  d.kind = kind_of_element<E>();
  d.role = role;
  d.is_state_type = std::is_same_v<E, State>;
  d.is_enum = std::is_enum_v<E>;
  d.rank = std::rank_v<T>;
  d.type = info.type;
  fill_extents<T>(d, 0);
  finish_desc(d, std::is_same_v<E, unsigned char>);
  return d;
}

// The element kind of a member known only by its description (a member of
// a described struct), as kind_of_element gives it for a declared type.
constexpr element_kind kind_described(const type_description& t) noexcept {
  const std::size_t n = t.element_size;
  const bool integer_size = n == 1 || n == 2 || n == 4 || n == 8;
  if (t.kind == "char") return element_kind::character;
  if (t.kind == "byte") return element_kind::byte;
  if ((t.kind == "int" || t.kind == "enum_int") && integer_size) return element_kind::signed_integer;
  if ((t.kind == "uint" || t.kind == "enum_uint") && integer_size) return element_kind::unsigned_integer;
  if (t.kind == "float" && (n == 4 || n == 8)) return element_kind::floating;
  return element_kind::record;
}

// A member of a described struct at `offset` in the layout, under the path
// `name` ("config.timeout_ms"), as Python reads and writes it.
constexpr field_desc describe_path(std::string_view name, std::string_view overlay, std::size_t offset,
                                   const type_description& t) {
  field_desc d;
  d.name = name;
  d.overlay = overlay;
  d.offset = offset;
  d.size = t.size;
  d.element_size = t.element_size;
  d.count = t.element_size == 0 ? 1 : t.size / t.element_size;
  d.kind = kind_described(t);
  d.role = field_role::payload;
  d.is_enum = t.kind == "enum_int" || t.kind == "enum_uint";
  d.rank = t.shape.size();
  for (std::size_t r = 0; r < d.rank && r < max_view_rank; ++r) d.extents[r] = t.shape[r];
  finish_desc(d, t.kind == "uint" && t.element_size == 1);
  return d;
}

}  // namespace detail

// Every member of the layout (state word, payload fields, flags) in
// declaration order.
template <valid_layout Layout>
inline constexpr auto field_descs = [] {
  std::array<field_desc, Layout::field_count> out{};
  std::size_t i = 0;
  Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
    const field_info& info = Layout::fields[i];
    const field_role role = info.is_state    ? field_role::state
                            : info.is_flag   ? field_role::flag
                            : info.is_record ? field_role::record
                                             : field_role::payload;
    out[i++] = detail::describe_member<typename Decl::type, typename Layout::state_type>(info, role);
  });
  return out;
}();

namespace detail {

// The paths into the described struct fields of a layout's payload
// ("config.timeout_ms", and deeper into members that are described structs
// themselves), appended to `out`; their names are kept in `names`. A path
// belongs to its field's overlay. Arrays of structs, keyed unions and
// records have no paths.
inline void append_paths(std::vector<field_desc>& out, std::deque<std::string>& names,
                         const std::string& prefix, std::string_view overlay, std::size_t offset,
                         const type_description& t) {
  if (t.kind != "struct" || !t.shape.empty()) return;
  for (const member_info& m : t.members) {
    names.push_back(prefix + "." + std::string(m.name));
    out.push_back(describe_path(names.back(), overlay, offset + m.offset, *m.type));
    append_paths(out, names, names.back(), overlay, offset + m.offset, *m.type);
  }
}

inline std::vector<field_desc> with_paths(std::span<const field_desc> fields,
                                          std::span<const field_info> infos, std::deque<std::string>& names) {
  std::vector<field_desc> out(fields.begin(), fields.end());
  for (std::size_t i = 0; i < infos.size(); ++i) {
    if (fields[i].role != field_role::payload || infos[i].type == nullptr) continue;
    append_paths(out, names, std::string(fields[i].name), fields[i].overlay, fields[i].offset,
                 *infos[i].type);
  }
  return out;
}

}  // namespace detail

// The C++ type of a member as error messages spell it: int32, uint64[16],
// char[256], float64, enum of int32, struct of 48 bytes.
inline std::string type_text(const field_desc& d) {
  std::string out;
  const std::string bits = std::to_string(d.element_size * 8);
  switch (d.kind) {
    case element_kind::signed_integer:
      out = "int" + bits;
      break;
    case element_kind::unsigned_integer:
      out = "uint" + bits;
      break;
    case element_kind::floating:
      out = "float" + bits;
      break;
    case element_kind::character:
      out = "char";
      break;
    case element_kind::byte:
      out = "byte";
      break;
    case element_kind::record:
      out = "struct of " + std::to_string(d.element_size) + " bytes";
      break;
  }
  if (d.is_enum) out = "enum of " + out;
  for (std::size_t r = 0; r < d.rank && r < max_view_rank; ++r)
    out += "[" + std::to_string(d.extents[r]) + "]";
  return out;
}

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::python
