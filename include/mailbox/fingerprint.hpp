// Layout fingerprints, and an optional header at the start of a shared region
// that lets the attaching side check it was built with the same layout as the
// side that initialised the region.
#pragma once

#include <algorithm>
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
#include <vector>

#include "arch.hpp"
#include "layout.hpp"
#include "view.hpp"
#include "wait.hpp"

namespace mailbox {

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
// alignment) fingerprint differently. Arrays: the element's kind.
template <class T>
constexpr std::uint64_t type_kind() noexcept {
  using E = std::remove_all_extents_t<T>;
  if constexpr (std::is_same_v<E, bool>) {
    return 1;
  } else if constexpr (std::is_same_v<E, char>) {
    return 2;
  } else if constexpr (std::is_enum_v<E>) {
    return 3;
  } else if constexpr (std::is_floating_point_v<E>) {
    return 4;
  } else if constexpr (std::is_integral_v<E> && std::is_signed_v<E>) {
    return 5;
  } else if constexpr (std::is_integral_v<E>) {
    return 6;
  } else if constexpr (std::is_pointer_v<E>) {
    return 7;
  } else {
    return 8;  // a class: its size and alignment are all we can see
  }
}

}  // namespace detail

// A 64-bit FNV-1a hash over everything both sides must agree on: each
// field's name, offset, size, alignment, kind and array extents, which one is
// the state word, which overlay it belongs to and whether it is a flag, the
// overlays' names, the state's valid values, blocking_waiters, the total size
// and alignment, a user version number, the pointer width and endianness.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
inline constexpr std::uint64_t fingerprint = [] {
  std::uint64_t h = detail::mix(detail::fnv_offset, std::string_view("mailbox layout v1"));
  h = detail::mix(h, UserVersion);
  h = detail::mix(h, sizeof(void*) * 8);
  h = detail::mix(h, std::endian::native == std::endian::little ? 1 : 2);
  h = detail::mix(h, Layout::size);
  h = detail::mix(h, Layout::alignment);
  h = detail::mix(h, Layout::has_blocking_waiters ? 1 : 0);
  for (const std::string_view name : Layout::overlay_names) h = detail::mix(h, name);
  Layout::for_each_field([&]<class Decl, std::size_t Offset>() {
    using T = typename Decl::type;
    h = detail::mix(h, Decl::name.view());
    h = detail::mix(h, Layout::template overlay_of<Decl::name>);
    h = detail::mix(h, Decl::is_flag ? 1 : 0);
    h = detail::mix(h, Offset);
    h = detail::mix(h, sizeof(T));
    h = detail::mix(h, alignof(T));
    h = detail::mix(h, Decl::is_state ? 1 : 0);
    h = detail::mix(h, detail::type_kind<T>());
    h = detail::mix(h, std::rank_v<T>);
    h = detail::mix(h, sizeof(std::remove_all_extents_t<T>));
  });
  h = detail::mix(h, Layout::declares_valid_states ? Layout::valid_state_values.size() + 1 : 0);
  for (const auto& v : Layout::valid_state_values) {
    h = detail::mix(
        h, static_cast<std::uint64_t>(std::bit_cast<detail::word_for<typename Layout::state_type>>(v)));
  }
  return h;
}();

// The header that initialize_with_header() writes at the start of a region.
// Fixed-width fields only, so other languages can read it too.
struct region_header {
  std::uint64_t magic;  // header_magic, release-stored last
  std::uint64_t fingerprint;
  std::uint64_t layout_size;
  std::uint32_t user_version;
  std::uint32_t header_size;
  std::uint32_t pointer_bits;
  std::uint32_t little_endian;
};

// "MBOXHDR1" in the first eight bytes of a little-endian region.
inline constexpr std::uint64_t header_magic = 0x3152444858424f4dull;

// Where the mailbox starts after the header: 64 bytes, or the layout's
// alignment if larger, so the payload does not share a cache line with it.
template <valid_layout Layout>
inline constexpr std::size_t header_size = Layout::alignment > 64 ? Layout::alignment : 64;

// What a region (a shared_segment, say) needs for a header and the layout.
template <valid_layout Layout>
inline constexpr std::size_t size_with_header = header_size<Layout> + Layout::size;

// attach_with_header() found no header, or one from another build.
class header_error : public std::runtime_error {
 public:
  enum class kind { not_initialized, bad_magic, fingerprint_mismatch, region };
  header_error(kind k, const std::string& what, std::uint64_t expected = 0, std::uint64_t found = 0)
      : std::runtime_error(what), kind_(k), expected_(expected), found_(found) {}
  [[nodiscard]] kind what_kind() const noexcept { return kind_; }
  // For fingerprint_mismatch: this side's fingerprint and the region's.
  [[nodiscard]] std::uint64_t expected() const noexcept { return expected_; }
  [[nodiscard]] std::uint64_t found() const noexcept { return found_; }

 private:
  kind kind_;
  std::uint64_t expected_;
  std::uint64_t found_;
};

namespace detail {

inline std::string hex(std::uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
  return text;
}

template <class Layout>
void check_header_region(std::span<std::byte> region, const char* who) {
  if (region.size() < size_with_header<Layout>) {
    throw header_error(header_error::kind::region,
                       std::string("mailbox::") + who +
                           ": region too small for header and layout: expected at least " +
                           std::to_string(size_with_header<Layout>) + " bytes, got " +
                           std::to_string(region.size()) + " bytes");
  }
  const auto address = reinterpret_cast<std::uintptr_t>(region.data());
  if (address % alignof(region_header) != 0 || address % Layout::alignment != 0) {
    throw header_error(header_error::kind::region,
                       std::string("mailbox::") + who + ": region misaligned for the header and layout");
  }
}

}  // namespace detail

// Initialises a fresh region: the mailbox after the header (zeroed, first
// state stored), then the header, whose magic is release-stored last: an
// attacher that acquire-loads the magic sees everything before it.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] Mailbox<Layout> initialize_with_header(std::span<std::byte> region,
                                                     typename Layout::state_type first) {
  detail::check_header_region<Layout>(region, "initialize_with_header");
  auto box = Mailbox<Layout>::initialize(region.subspan(header_size<Layout>), first);
  auto* header = reinterpret_cast<region_header*>(region.data());
  header->fingerprint = fingerprint<Layout, UserVersion>;
  header->layout_size = Layout::size;
  header->user_version = UserVersion;
  header->header_size = static_cast<std::uint32_t>(header_size<Layout>);
  header->pointer_bits = sizeof(void*) * 8;
  header->little_endian = std::endian::native == std::endian::little ? 1 : 0;
  // Pairs with the acquire-load of the magic in attach_with_header().
  arch::store_release(header->magic, header_magic);
  return box;
}

// Views a region that initialize_with_header() prepared, after checking its
// header: throws header_error if there is none (waiting until `until` for
// the initialising side), if it is not a mailbox header, or if the region was
// initialised with another layout or version (the message shows both
// fingerprints). Every header byte may have been written by a hostile peer:
// only integer comparisons are made on them.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] Mailbox<Layout> attach_with_header(std::span<std::byte> region, deadline until = {}) {
  detail::check_header_region<Layout>(region, "attach_with_header");
  auto* header = reinterpret_cast<region_header*>(region.data());
  // Pairs with the release-store of the magic in initialize_with_header().
  std::uint64_t magic = arch::load_acquire(header->magic);
  while (magic == 0 && wait_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    magic = arch::load_acquire(header->magic);
  }
  if (magic == 0) {
    throw header_error(header_error::kind::not_initialized,
                       "mailbox::attach_with_header: the region has no header yet (not initialised)");
  }
  if (magic != header_magic) {
    throw header_error(
        header_error::kind::bad_magic,
        "mailbox::attach_with_header: the region does not start with a mailbox header: magic " +
            detail::hex(magic) + ", expected " + detail::hex(header_magic));
  }
  constexpr std::uint64_t ours = fingerprint<Layout, UserVersion>;
  if (header->fingerprint != ours || header->header_size != header_size<Layout>) {
    throw header_error(
        header_error::kind::fingerprint_mismatch,
        "mailbox::attach_with_header: layout fingerprint mismatch: this side " + detail::hex(ours) +
            " (version " + std::to_string(UserVersion) + ", size " + std::to_string(Layout::size) + ", " +
            std::to_string(sizeof(void*) * 8) + "-bit), region " + detail::hex(header->fingerprint) +
            " (version " + std::to_string(header->user_version) + ", size " +
            std::to_string(header->layout_size) + ", " + std::to_string(header->pointer_bits) + "-bit)",
        ours, header->fingerprint);
  }
  return Mailbox<Layout>(region.subspan(header_size<Layout>));
}

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
// Throws std::invalid_argument if two names come out the same (a field
// "a-b" next to a field "a_b", a common field "control_arg0" next to field
// arg0 of overlay control, a field named "header" whose SIZE is HEADER_SIZE):
// a header with two different values for one name would be worse than none.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] std::string c_definitions(std::string_view prefix) {
  const auto identifier = [&](std::string_view name) {
    std::string out(prefix);
    out += '_';
    for (const char c : name) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      out += alnum ? static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c) : '_';
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> defined;  // (identifier, what it describes)
  std::string out = "/* Generated by mailbox::c_definitions: do not edit. */\n";
  const auto define = [&](const std::string& name, const std::string& value, std::string_view source) {
    defined.emplace_back(name, source);
    out += "#define " + name + " " + value + "\n";
  };
  define(identifier("SIZE"), std::to_string(Layout::size), "the layout's size");
  define(identifier("ALIGNMENT"), std::to_string(Layout::alignment), "the layout's alignment");
  define(identifier("HEADER_SIZE"), std::to_string(header_size<Layout>), "the header's size");
  define(identifier("HEADER_MAGIC"), detail::hex(header_magic) + "ULL", "the header's magic");
  define(identifier("FINGERPRINT"), detail::hex(fingerprint<Layout, UserVersion>) + "ULL", "the fingerprint");
  define(identifier("VERSION"), std::to_string(UserVersion), "the version");
  define(identifier("BLOCKING_WAITERS"), Layout::has_blocking_waiters ? "1" : "0", "blocking_waiters");
  for (const field_info& f : Layout::fields) {
    const std::string name =
        f.overlay.empty() ? std::string(f.name) : std::string(f.overlay) + "_" + std::string(f.name);
    const std::string source = f.overlay.empty() ? "member \"" + std::string(f.name) + "\""
                                                 : "member \"" + std::string(f.name) + "\" of overlay \"" +
                                                       std::string(f.overlay) + "\"";
    define(identifier(name + "_OFFSET"), std::to_string(f.offset), source);
    define(identifier(name + "_SIZE"), std::to_string(f.size), source);
    if (f.is_flag) define(identifier(name + "_FLAG"), "1", source);
  }
  std::sort(defined.begin(), defined.end());
  for (std::size_t i = 1; i < defined.size(); ++i) {
    if (defined[i].first == defined[i - 1].first) {
      throw std::invalid_argument("mailbox::c_definitions: " + defined[i - 1].second + " and " +
                                  defined[i].second + " would both define " + defined[i].first +
                                  "; rename one of them");
    }
  }
  return out;
}

}  // namespace mailbox
