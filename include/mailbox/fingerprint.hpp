// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Layout fingerprints; initialising and attaching to a region with a header
// (header.hpp) that lets the attaching side check it was built with the same
// layout as the side that initialised the region; the layout as C #defines.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "arch.hpp"
#include "array.hpp"
#include "detail/description_hash.hpp"
#include "header.hpp"
#include "layout.hpp"
#include "view.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

// Every extent of an array type, outermost first: u32[2][4] and u32[4][2]
// hold the same bytes but mean different things.
template <class T>
constexpr std::uint64_t mix_extents(std::uint64_t hash) noexcept {
  hash = mix(hash, std::rank_v<T>);
  if constexpr (std::rank_v<T> != 0) {
    hash = mix(hash, std::extent_v<T>);
    return mix_extents<std::remove_extent_t<T>>(hash);
  }
  return hash;
}

}  // namespace detail

// A 64-bit FNV-1a hash over what the layout is, that both sides must agree
// on: each member's name, offset, size, kind (type_kind: by what the
// language says the type is, not by the compiler mode) and array extents,
// which one is the state word, which are flags and records, the overlay
// each belongs to and the overlays' names; the members of described
// structs, the keys and alternatives of keyed unions and the parts of
// committed records (names, offsets, types); the state's valid values,
// blocking_waiters, state_on_own_cache_line, the total size, a user version
// number and the byte order. Not the pointer
// width, and not alignments: the layout holds no pointers (they are
// refused), and where a 32- and a 64-bit build compute the same offsets
// (i386 aligns std::uint64_t to 4, so pin such fields) the bytes mean the
// same to both and the pair may share a region. Alignment only decides the
// offsets, which are hashed, and what each side asks of the region's address.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
inline constexpr std::uint64_t fingerprint = [] {
  std::uint64_t h = detail::mix(detail::fnv_offset, std::string_view("mailbox layout v2"));
  h = detail::mix(h, UserVersion);
  h = detail::mix(h, std::endian::native == std::endian::little ? 1 : 2);
  h = detail::mix(h, Layout::size);
  h = detail::mix(h, Layout::has_blocking_waiters ? 1 : 0);
  // Mixed only when declared, so the fingerprints of layouts without it stay.
  if (Layout::has_state_on_own_cache_line) h = detail::mix(h, std::string_view("state on own cache line"));
  h = detail::mix(h, Layout::overlay_names.size());
  for (const std::string_view name : Layout::overlay_names) h = detail::mix(h, name);
  Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
    using T = typename Decl::type;
    h = detail::mix(h, Decl::name.view());
    h = detail::mix(h, Layout::template overlay_of<Decl::name>);
    h = detail::mix(h, Decl::is_state ? 1 : Decl::is_flag ? 2 : detail::is_record_decl<Decl> ? 3 : 0);
    h = detail::mix(h, Offset);
    h = detail::mix(h, sizeof(T));
    h = detail::mix(h, static_cast<std::uint64_t>(detail::type_kind<T>()));
    h = detail::mix(h, sizeof(std::remove_all_extents_t<T>));
    h = detail::mix_extents<T>(h);
    // Described members, keyed alternatives, a record's parts: nothing for
    // any other type, so such layouts keep the fingerprint they had.
    h = detail::mix_type_parts(h, description_of<T>);
  });
  h = detail::mix(h, Layout::declares_valid_states ? Layout::valid_state_values.size() + 1 : 0);
  for (const auto& v : Layout::valid_state_values) {
    h = detail::mix(
        h, static_cast<std::uint64_t>(std::bit_cast<detail::word_for<typename Layout::state_type>>(v)));
  }
  return h;
}();

// The identity a header records for `count` mailboxes of Layout, built with
// UserVersion, running the protocol whose fingerprint is `protocol` (0: none).
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] constexpr header_identity header_identity_of(std::size_t count,
                                                           std::uint64_t protocol_fingerprint = 0) {
  header_identity id;
  id.fingerprint = fingerprint<Layout, UserVersion>;
  id.protocol_fingerprint = protocol_fingerprint;
  id.layout_size = Layout::size;
  id.user_version = UserVersion;
  id.header_size = static_cast<std::uint32_t>(header_size<Layout>);
  id.count = static_cast<std::uint32_t>(count);
  id.stride = static_cast<std::uint32_t>(mailbox_array<Layout>::stride);
  return id;
}

namespace detail {
template <class Layout>
void check_count(std::size_t count, const char* who) {
  if (count == 0 || count > UINT32_MAX) {
    throw header_error(header_error::kind::region, std::string("mailbox::") + who + ": " +
                                                       std::to_string(count) +
                                                       " mailboxes; a region holds 1 to 4294967295");
  }
}
}  // namespace detail

// Initialises a region, fresh or used before, as a header and one mailbox:
// the mailbox zeroed with its first state, then the header (see
// detail::write_header for the order). Throws header_error when the region
// cannot hold size_with_header<Layout> bytes or is misaligned.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] Mailbox<Layout> initialize_with_header(std::span<std::byte> region,
                                                     typename Layout::state_type first,
                                                     std::uint64_t protocol_fingerprint = 0) {
  detail::check_header_region(region, size_with_header<Layout>, Layout::alignment, "initialize_with_header");
  std::span<std::byte> mailbox_bytes = region.subspan(header_size<Layout>);
  detail::write_header(region, header_identity_of<Layout, UserVersion>(1, protocol_fingerprint),
                       [&] { (void)Mailbox<Layout>::initialize(mailbox_bytes, first); });
  return Mailbox<Layout>(mailbox_bytes);
}

// Views a region that initialize_with_header() prepared, after checking its
// header: throws header_error if there is none (waiting until `until` for
// the initialising side), if it is not a mailbox header or one of another
// format (another mailbox version: the message names both), if the region
// was initialised with another layout, user version or (when
// protocol_fingerprint is not 0) protocol (the message shows both
// fingerprints), or if it holds more than one mailbox.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] Mailbox<Layout> attach_with_header(std::span<std::byte> region, deadline until = {},
                                                 std::uint64_t protocol_fingerprint = 0) {
  detail::check_header_region(region, size_with_header<Layout>, Layout::alignment, "attach_with_header");
  (void)detail::read_header(region, header_identity_of<Layout, UserVersion>(1, protocol_fingerprint), until,
                            "attach_with_header");
  return Mailbox<Layout>(region.subspan(header_size<Layout>));
}

// The same for `count` mailboxes side by side (a mailbox_array after the
// header): every mailbox zeroed and given the first state, then the header.
// The region needs region_size<Layout>(count) bytes.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] mailbox_array<Layout> initialize_array_with_header(std::span<std::byte> region,
                                                                 std::size_t count,
                                                                 typename Layout::state_type first,
                                                                 std::uint64_t protocol_fingerprint = 0) {
  detail::check_count<Layout>(count, "initialize_array_with_header");
  detail::check_header_region(region, region_size<Layout>(count), Layout::alignment,
                              "initialize_array_with_header");
  std::span<std::byte> mailbox_bytes = region.subspan(header_size<Layout>);
  detail::write_header(region, header_identity_of<Layout, UserVersion>(count, protocol_fingerprint),
                       [&] { (void)mailbox_array<Layout>::initialize(mailbox_bytes, count, first); });
  return mailbox_array<Layout>(mailbox_bytes, count);
}

// Views the mailboxes of a region that initialize_array_with_header()
// prepared, checking the header as attach_with_header() does, and that it
// holds `count` mailboxes (0: as many as the header says, at least one).
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] mailbox_array<Layout> attach_array_with_header(std::span<std::byte> region,
                                                             std::size_t count = 0, deadline until = {},
                                                             std::uint64_t protocol_fingerprint = 0) {
  if (count != 0) detail::check_count<Layout>(count, "attach_array_with_header");
  detail::check_header_region(region, region_size<Layout>(count == 0 ? 1 : count), Layout::alignment,
                              "attach_array_with_header");
  const header_identity theirs =
      detail::read_header(region, header_identity_of<Layout, UserVersion>(count, protocol_fingerprint), until,
                          "attach_array_with_header");
  // mailbox_array checks that the region holds theirs.count whole strides.
  return mailbox_array<Layout>(region.subspan(header_size<Layout>), theirs.count);
}

namespace detail {

// The C names of c_definitions(), and its check that no two fields give the
// same one: names that differ only in case or in characters that become '_'
// ("a-b" and "a_b") would give one #define twice. Checked at compile time;
// the diagnostic spells both names.

// One identifier c_definitions() writes after "<prefix>_": its parts (an
// overlay, a field, a member, an alternative ...) mangled (upper-cased,
// other characters '_') and joined by '_', then `suffix` as it is.
struct c_identifier {
  static constexpr std::size_t max_parts = 8;
  std::array<std::string_view, max_parts> parts{};
  std::size_t count = 0;
  std::string_view suffix = {};

  [[nodiscard]] constexpr c_identifier with(std::string_view part) const {
    c_identifier out = *this;
    if (part.empty()) return out;  // (a field outside overlays: no overlay part)
    // Reached only in a constant expression, where it names the problem.
    if (out.count == max_parts) throw "mailbox::c_definitions: a name nests more than 8 parts deep";
    out.parts[out.count++] = part;
    return out;
  }
  [[nodiscard]] constexpr c_identifier suffixed(std::string_view s) const noexcept {
    c_identifier out = *this;
    out.suffix = s;
    return out;
  }
  [[nodiscard]] constexpr std::size_t stem_size() const noexcept {
    std::size_t n = count == 0 ? 0 : count - 1;
    for (std::size_t i = 0; i < count; ++i) n += parts[i].size();
    return n;
  }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return stem_size() + suffix.size(); }
  // Character i of the parts joined by `separator`, as written.
  [[nodiscard]] constexpr char raw_at(std::size_t i, char separator) const noexcept {
    for (std::size_t p = 0; p < count; ++p) {
      if (i < parts[p].size()) return parts[p][i];
      i -= parts[p].size();
      if (i == 0) return separator;
      --i;
    }
    return suffix[i];
  }
};

constexpr char c_mangled(char c) noexcept {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
}

// The identifier's C text (without the prefix) into `out`, which holds at
// least id.size() characters: one pass over its parts.
constexpr void write_c_text(const c_identifier& id, char* out) noexcept {
  std::size_t k = 0;
  for (std::size_t p = 0; p < id.count; ++p) {
    if (p != 0) out[k++] = '_';
    for (const char c : id.parts[p]) out[k++] = c_mangled(c);
  }
  for (const char c : id.suffix) out[k++] = c;
}

// The names c_definitions() writes before the fields' (keep in step).
inline constexpr std::string_view c_fixed_names[] = {
    "SIZE", "ALIGNMENT", "HEADER_SIZE", "HEADER_MAGIC", "FINGERPRINT", "VERSION", "BLOCKING_WAITERS"};
inline constexpr std::size_t c_fixed_count = sizeof c_fixed_names / sizeof c_fixed_names[0];

// How a #define's value is written.
enum class c_value_format { decimal, signed_decimal, unsigned_key, hex32 };

// Every #define of a field and of what is inside it, in order: the field's
// OFFSET and SIZE (a flag adds FLAG); a described struct's members; a keyed
// union's key, each alternative's KEY and fields, each group's FIRST_KEY and
// LAST_KEY; a record's RECORD, SEQUENCE/SCHEMA/GENERATION/BODY offsets,
// BODY_SIZE, SCHEMA and its body's members. Offsets count from the start of
// the mailbox. Arrays of structs are not descended into (to_json has their
// members). emit(identifier, value, format) is called for each.
template <class Emit>
constexpr void walk_c_type(const c_identifier& base, std::size_t offset, const type_description& type,
                           Emit& emit) {
  if (!type.shape.empty()) return;
  for (const member_info& m : type.members) {
    const c_identifier id = base.with(m.name);
    emit(id.suffixed("_OFFSET"), offset + m.offset, c_value_format::decimal);
    emit(id.suffixed("_SIZE"), m.type->size, c_value_format::decimal);
    walk_c_type(id, offset + m.offset, *m.type, emit);
  }
  if (type.keyed != nullptr) {
    const keyed_description& k = *type.keyed;
    const c_identifier key = base.with(k.key.name);
    emit(key.suffixed("_OFFSET"), offset + k.key.offset, c_value_format::decimal);
    emit(key.suffixed("_SIZE"), k.key.type->size, c_value_format::decimal);
    const c_value_format key_format =
        k.key_is_signed ? c_value_format::signed_decimal : c_value_format::unsigned_key;
    for (const alternative_info& a : k.alternatives) {
      const c_identifier alt = base.with(a.name);
      emit(alt.suffixed("_KEY"), a.key, key_format);
      for (const member_info& f : a.fields) {
        const c_identifier id = alt.with(f.name);
        emit(id.suffixed("_OFFSET"), offset + f.offset, c_value_format::decimal);
        emit(id.suffixed("_SIZE"), f.type->size, c_value_format::decimal);
        walk_c_type(id, offset + f.offset, *f.type, emit);
      }
    }
    for (const key_range_info& g : k.groups) {
      const c_identifier group = base.with(g.group);
      emit(group.suffixed("_FIRST_KEY"), g.first, key_format);
      emit(group.suffixed("_LAST_KEY"), g.last, key_format);
    }
  }
  if (type.record != nullptr) {
    const record_description& r = *type.record;
    emit(base.suffixed("_RECORD"), 1, c_value_format::decimal);
    emit(base.suffixed("_SEQUENCE_OFFSET"), offset + r.sequence_offset, c_value_format::decimal);
    emit(base.suffixed("_SCHEMA_OFFSET"), offset + r.schema_offset, c_value_format::decimal);
    emit(base.suffixed("_GENERATION_OFFSET"), offset + r.generation_offset, c_value_format::decimal);
    emit(base.suffixed("_BODY_OFFSET"), offset + r.body_offset, c_value_format::decimal);
    emit(base.suffixed("_BODY_SIZE"), r.body->size, c_value_format::decimal);
    emit(base.suffixed("_BODY_WORDS"), r.body_words, c_value_format::decimal);
    emit(base.suffixed("_SCHEMA"), r.schema, c_value_format::hex32);
    walk_c_type(base, offset + r.body_offset, *r.body, emit);
  }
}

template <class Layout, class Emit>
constexpr void walk_c_fields(Emit& emit) {
  for (const field_info& f : Layout::fields) {
    const c_identifier id = c_identifier{}.with(f.overlay).with(f.name);
    emit(id.suffixed("_OFFSET"), f.offset, c_value_format::decimal);
    emit(id.suffixed("_SIZE"), f.size, c_value_format::decimal);
    if (f.is_flag) emit(id.suffixed("_FLAG"), 1, c_value_format::decimal);
    walk_c_type(id, f.offset, *f.type, emit);
  }
}

template <class Layout>
inline constexpr std::size_t c_identifier_count = [] {
  std::size_t n = c_fixed_count;
  auto count = [&](const c_identifier&, std::uint64_t, c_value_format) { ++n; };
  walk_c_fields<Layout>(count);
  return n;
}();

template <class Layout>
inline constexpr auto c_identifiers = [] {
  std::array<c_identifier, c_identifier_count<Layout>> ids{};
  std::size_t n = 0;
  for (const std::string_view name : c_fixed_names) ids[n++] = c_identifier{}.with(name);
  auto store = [&](const c_identifier& id, std::uint64_t, c_value_format) { ids[n++] = id; };
  walk_c_fields<Layout>(store);
  return ids;
}();

// Every identifier's C text, written once: comparing parts character by
// character while sorting ran out of clang's constexpr step limit (2^20).
template <class Layout>
inline constexpr std::size_t c_identifier_longest = [] {
  std::size_t longest = 0;
  for (const c_identifier& id : c_identifiers<Layout>) longest = std::max(longest, id.size());
  return longest;
}();

template <class Layout>
struct c_text {
  std::array<char, c_identifier_longest<Layout>> chars{};
  std::size_t size = 0;
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars.data(), size}; }
};

template <class Layout>
inline constexpr auto c_texts = [] {
  const auto& ids = c_identifiers<Layout>;
  std::array<c_text<Layout>, std::tuple_size_v<std::remove_cvref_t<decltype(ids)>>> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    write_c_text(ids[i], out[i].chars.data());
    out[i].size = ids[i].size();
  }
  return out;
}();

// Two identifiers that are the same, or {0, 0}: sorted by their C text, a
// clash is two neighbours. A quadratic loop over every pair ran out of
// Clang's constexpr step limit (2^20) at 120 fields; sorting costs
// O(n log n) comparisons that mostly stop at the first differing character.
struct c_clash {
  std::size_t first = 0;
  std::size_t second = 0;
};

template <class Layout>
inline constexpr c_clash first_c_clash = [] {
  const auto& texts = c_texts<Layout>;
  std::array<std::size_t, std::tuple_size_v<std::remove_cvref_t<decltype(texts)>>> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return texts[a].view() < texts[b].view(); });
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (texts[order[k - 1]].view() == texts[order[k]].view()) {
      const std::size_t a = order[k - 1];
      const std::size_t b = order[k];
      return a < b ? c_clash{a, b} : c_clash{b, a};
    }
  }
  return c_clash{};
}();

// Spells a name in the diagnostic, its parts joined by '.' and then its
// suffix: c_name<'a', '-', 'b', '_', 'O', 'F', 'F', 'S', 'E', 'T'>.
template <char... Name>
struct c_name {};

template <const auto& Ids, std::size_t I, std::size_t... K>
auto spell_c_name(std::index_sequence<K...>) -> c_name<Ids[I].raw_at(K, '.')...>;

template <class Layout, std::size_t I>
using c_name_of = decltype(spell_c_name<c_identifiers<Layout>, I>(
    std::make_index_sequence<c_identifiers<Layout>[I].size()>{}));

template <class First, class Second, bool Ok = false>
constexpr bool c_names_are_distinct() {
  static_assert(Ok,
                "mailbox::c_definitions: two names give the same C identifier once upper-cased with "
                "other characters as '_' (First and Second below: a field, a field of an overlay being "
                "OVERLAY_FIELD, a member, alternative or record part being FIELD_PART, or a fixed name such "
                "as HEADER_SIZE); rename one");
  return Ok;
}

template <class Layout>
constexpr bool check_c_names() {
  constexpr c_clash clash = first_c_clash<Layout>;
  if constexpr (clash.first != clash.second) {
    return c_names_are_distinct<c_name_of<Layout, clash.first>, c_name_of<Layout, clash.second>>();
  } else {
    return true;
  }
}

inline std::string c_identifier_text(std::string_view prefix, const c_identifier& id) {
  std::string out(prefix);
  out += '_';
  const std::size_t start = out.size();
  out.resize(start + id.size());
  write_c_text(id, out.data() + start);
  return out;
}

inline std::string c_value_text(std::uint64_t value, c_value_format format) {
  switch (format) {
    case c_value_format::signed_decimal: {
      const auto v = static_cast<long long>(value);
      return v < 0 ? "(" + std::to_string(v) + "LL)" : std::to_string(v);
    }
    case c_value_format::unsigned_key:
      return std::to_string(value) + (value > 0x7fffffffull ? "ULL" : "");
    case c_value_format::hex32: {
      char text[16];
      std::snprintf(text, sizeof text, "0x%08llxU", static_cast<unsigned long long>(value));
      return text;
    }
    case c_value_format::decimal:
    default:
      return std::to_string(value);
  }
}

}  // namespace detail

// The layout as C preprocessor definitions, for code in another language
// that maps the same region: sizes, offsets, the header and the fingerprint,
// so nobody copies offsets by hand. `prefix` starts every name (letters,
// digits and '_'; names are upper-cased, other characters become '_').
// A field of an overlay is named after its overlay too; a flag's offset and
// size come with a FLAG line; what is inside a field is named after it:
//
//   #define TASK_SIZE 4096
//   #define TASK_OPERAND_OFFSET 8
//   #define TASK_CONTROL_ARG0_OFFSET 16        (field arg0 of overlay control)
//   #define TASK_SHUTDOWN_FLAG 1               (shutdown is a flag)
//   #define TASK_CONFIG_TIMEOUT_MS_OFFSET 20   (member timeout_ms of the described struct config)
//   #define TASK_COMMAND_COPY_KEY 2            (alternative copy of the keyed union command)
//   #define TASK_COMMAND_COPY_SRC_OFFSET 24    (its field src)
//   #define TASK_TEARDOWN_SEQUENCE_OFFSET 64   (record teardown; also SCHEMA, GENERATION, BODY)
//   #define TASK_FINGERPRINT 0x...ULL
//
// Every OFFSET counts from the start of the mailbox. Two names that give the
// same C name ("a-b" and "a_b", "x" and "X", a field "header" and
// HEADER_SIZE) do not compile; the error names both.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] std::string c_definitions(std::string_view prefix) {
  // Reports a clash itself, naming both (c_names_are_distinct).
  [[maybe_unused]] constexpr bool c_names_are_distinct = detail::check_c_names<Layout>();
  const auto define = [&](std::string_view name, const std::string& value) {
    return "#define " + detail::c_identifier_text(prefix, detail::c_identifier{}.with(name)) + " " + value +
           "\n";
  };
  std::string out = "/* Generated by mailbox::c_definitions: do not edit. */\n";
  out += define("SIZE", std::to_string(Layout::size));
  out += define("ALIGNMENT", std::to_string(Layout::alignment));
  out += define("HEADER_SIZE", std::to_string(header_size<Layout>));
  out += define("HEADER_MAGIC", detail::hex(header_magic) + "ULL");
  out += define("FINGERPRINT", detail::hex(fingerprint<Layout, UserVersion>) + "ULL");
  out += define("VERSION", std::to_string(UserVersion));
  out += define("BLOCKING_WAITERS", Layout::has_blocking_waiters ? "1" : "0");
  auto write = [&](const detail::c_identifier& id, std::uint64_t value, detail::c_value_format format) {
    out +=
        "#define " + detail::c_identifier_text(prefix, id) + " " + detail::c_value_text(value, format) + "\n";
  };
  detail::walk_c_fields<Layout>(write);
  return out;
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
