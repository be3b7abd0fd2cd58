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
#include "header.hpp"
#include "layout.hpp"
#include "view.hpp"
#include "wait.hpp"

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
};

template <class T>
constexpr type_kind_id type_kind() noexcept {
  using E = std::remove_cv_t<std::remove_all_extents_t<T>>;
  if constexpr (std::is_class_v<E> || std::is_union_v<E>) {
    return type_kind_id::record;
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
// which one is the state word, which are flags, the overlay each belongs to
// and the overlays' names; the state's valid values, blocking_waiters, the
// total size, a user version number and the byte order. Not the pointer
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
  h = detail::mix(h, Layout::overlay_names.size());
  for (const std::string_view name : Layout::overlay_names) h = detail::mix(h, name);
  Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
    using T = typename Decl::type;
    h = detail::mix(h, Decl::name.view());
    h = detail::mix(h, Layout::template overlay_of<Decl::name>);
    h = detail::mix(h, Decl::is_state ? 1 : Decl::is_flag ? 2 : 0);
    h = detail::mix(h, Offset);
    h = detail::mix(h, sizeof(T));
    h = detail::mix(h, static_cast<std::uint64_t>(detail::type_kind<T>()));
    h = detail::mix(h, sizeof(std::remove_all_extents_t<T>));
    h = detail::mix_extents<T>(h);
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

// The C name check of c_definitions(): two names that differ only in case or
// in characters that become '_' ("a-b" and "a_b") would give one #define
// twice. Checked at compile time; the diagnostic spells both names.

// One identifier c_definitions() writes after "<prefix>_": `stem` mangled
// (upper-cased, other characters '_'), then `suffix` as it is.
struct c_identifier {
  std::string_view stem;
  std::string_view suffix;
  std::string_view overlay = {};  // a field of an overlay is written OVERLAY_STEM
  [[nodiscard]] constexpr std::size_t prefix_size() const noexcept {
    return overlay.empty() ? 0 : overlay.size() + 1;
  }
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    return prefix_size() + stem.size() + suffix.size();
  }
};

constexpr char c_mangled(char c) noexcept {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
}

constexpr char c_identifier_at(const c_identifier& id, std::size_t i) noexcept {
  const std::size_t prefix = id.prefix_size();
  if (i < prefix) return i < id.overlay.size() ? c_mangled(id.overlay[i]) : '_';
  i -= prefix;
  return i < id.stem.size() ? c_mangled(id.stem[i]) : id.suffix[i - id.stem.size()];
}

constexpr bool same_c_identifier(const c_identifier& a, const c_identifier& b) noexcept {
  const std::size_t length = a.size();
  if (length != b.size()) return false;
  for (std::size_t i = 0; i < length; ++i) {
    if (c_identifier_at(a, i) != c_identifier_at(b, i)) return false;
  }
  return true;
}

// The names c_definitions() writes besides the fields' (keep in step).
inline constexpr std::string_view c_fixed_names[] = {
    "SIZE", "ALIGNMENT", "HEADER_SIZE", "HEADER_MAGIC", "FINGERPRINT", "VERSION", "BLOCKING_WAITERS"};
inline constexpr std::size_t c_fixed_count = sizeof c_fixed_names / sizeof c_fixed_names[0];

template <class Layout>
inline constexpr auto c_identifiers = [] {
  std::array<c_identifier, c_fixed_count + 2 * Layout::field_count + Layout::flag_count> ids{};
  std::size_t n = 0;
  for (const std::string_view name : c_fixed_names) ids[n++] = {name, {}};
  for (const field_info& f : Layout::fields) {
    ids[n++] = {f.name, "_OFFSET", f.overlay};
    ids[n++] = {f.name, "_SIZE", f.overlay};
    if (f.is_flag) ids[n++] = {f.name, "_FLAG", f.overlay};
  }
  return ids;
}();

// Orders identifiers as the C text they become (mangled), shorter first on
// a common prefix.
constexpr bool c_identifier_less(const c_identifier& a, const c_identifier& b) noexcept {
  const std::size_t common = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < common; ++i) {
    const char x = c_identifier_at(a, i);
    const char y = c_identifier_at(b, i);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

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
  const auto& ids = c_identifiers<Layout>;
  std::array<std::size_t, std::tuple_size_v<std::remove_cvref_t<decltype(ids)>>> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return c_identifier_less(ids[a], ids[b]); });
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (same_c_identifier(ids[order[k - 1]], ids[order[k]])) {
      const std::size_t a = order[k - 1];
      const std::size_t b = order[k];
      return a < b ? c_clash{a, b} : c_clash{b, a};
    }
  }
  return c_clash{};
}();

// Spells a name in the diagnostic: c_name<'a', '-', 'b'>.
template <char... Name>
struct c_name {};

template <const auto& Ids, std::size_t I, std::size_t... K>
auto spell_c_name(std::index_sequence<K...>) -> c_name<Ids[I].stem[K]...>;

template <class Layout, std::size_t I>
using c_name_of = decltype(spell_c_name<c_identifiers<Layout>, I>(
    std::make_index_sequence<c_identifiers<Layout>[I].stem.size()>{}));

template <class First, class Second, bool Ok = false>
constexpr bool c_names_are_distinct() {
  static_assert(Ok,
                "mailbox::c_definitions: two names give the same C identifier once upper-cased with "
                "other characters as '_' (First and Second below: field names, a field of an overlay being "
                "OVERLAY_FIELD, or a fixed name such as HEADER_SIZE); rename the field");
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

}  // namespace detail

// The layout as C preprocessor definitions, for code in another language
// that maps the same region: sizes, offsets, the header and the fingerprint,
// so nobody copies offsets by hand. `prefix` starts every name (letters,
// digits and '_'; field names are upper-cased, other characters become '_').
// A field of an overlay is named after its overlay too; a flag's offset and
// size come with a FLAG line:
//
//   #define TASK_SIZE 4096
//   #define TASK_OPERAND_OFFSET 8
//   #define TASK_CONTROL_ARG0_OFFSET 16        (field arg0 of overlay control)
//   #define TASK_SHUTDOWN_FLAG 1               (shutdown is a flag)
//   #define TASK_FINGERPRINT 0x...ULL
//
// Two field names that give the same C name ("a-b" and "a_b", "x" and "X",
// a field "header" and HEADER_SIZE) do not compile; the error names both.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] std::string c_definitions(std::string_view prefix) {
  // Reports a clash itself, naming both (c_names_are_distinct).
  [[maybe_unused]] constexpr bool c_names_are_distinct = detail::check_c_names<Layout>();
  const auto identifier = [&](std::string_view name) {
    std::string out(prefix);
    out += '_';
    for (const char c : name) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      out += alnum ? static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c) : '_';
    }
    return out;
  };
  const auto define = [](const std::string& name, const std::string& value) {
    return "#define " + name + " " + value + "\n";
  };
  std::string out = "/* Generated by mailbox::c_definitions: do not edit. */\n";
  out += define(identifier("SIZE"), std::to_string(Layout::size));
  out += define(identifier("ALIGNMENT"), std::to_string(Layout::alignment));
  out += define(identifier("HEADER_SIZE"), std::to_string(header_size<Layout>));
  out += define(identifier("HEADER_MAGIC"), detail::hex(header_magic) + "ULL");
  out += define(identifier("FINGERPRINT"), detail::hex(fingerprint<Layout, UserVersion>) + "ULL");
  out += define(identifier("VERSION"), std::to_string(UserVersion));
  out += define(identifier("BLOCKING_WAITERS"), Layout::has_blocking_waiters ? "1" : "0");
  for (const field_info& f : Layout::fields) {
    const std::string name =
        f.overlay.empty() ? std::string(f.name) : std::string(f.overlay) + "_" + std::string(f.name);
    out += define(identifier(name + "_OFFSET"), std::to_string(f.offset));
    out += define(identifier(name + "_SIZE"), std::to_string(f.size));
    if (f.is_flag) out += define(identifier(name + "_FLAG"), "1");
  }
  return out;
}

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
