// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The region header: 64 bytes in front of a region's mailboxes that say what
// the region holds (which layout, which protocol, how many mailboxes, how far
// apart) and which library wrote it, so that a process attaching to a region
// made by another program refuses it with a message instead of misreading it.
// Fixed-width fields in the machine's byte order: C, Python and any other
// language can read it (docs/regions.md describes every byte).
//
// initialize_with_header() / attach_with_header() (fingerprint.hpp) and
// mailbox::region (region.hpp) write and check it; this header holds the
// format and the checks that do not depend on a layout.
#pragma once

#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>

#include "abi.hpp"
#include "arch.hpp"
#include "array.hpp"
#include "layout.hpp"
#include "version.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// The header, as it lies at the start of a region. Format 2 (mailbox 0.2).
// Every format keeps `magic` at offset 0 and `format` and `library_version`
// at offsets 48 and 52, so a reader can always tell which format and which
// library wrote a header it cannot read.
struct alignas(8) region_header {
  std::uint64_t magic;                 // header_magic, release-stored last; 0 while (re)initialising
  std::uint64_t fingerprint;           // fingerprint<Layout, UserVersion>
  std::uint64_t protocol_fingerprint;  // the protocol's, or 0 when the region records none
  std::uint64_t layout_size;           // Layout::size
  std::uint32_t user_version;          // the UserVersion both sides compiled in
  std::uint32_t header_size;           // bytes from the region's start to mailbox 0
  std::uint32_t count;                 // mailboxes after the header
  std::uint32_t stride;                // bytes from one mailbox to the next
  std::uint32_t format;                // header_format
  std::uint32_t library_version;       // the writer's, version_number::packed()
  std::uint64_t reserved;              // 0
};
static_assert(sizeof(region_header) == 64 && alignof(region_header) == 8);

// The header format this library writes and reads.
inline constexpr std::uint32_t header_format = 2;

namespace detail {
// "MBOXHDR" followed by the format's digit, as the first eight bytes of the
// region (read as a native-endian 64-bit word).
constexpr std::uint64_t magic_of_format(char digit) noexcept {
  const char text[8] = {'M', 'B', 'O', 'X', 'H', 'D', 'R', digit};
  std::uint64_t word = 0;
  for (int i = 0; i < 8; ++i) {
    const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(text[i]));
    word |= std::endian::native == std::endian::little ? byte << (8 * i) : byte << (8 * (7 - i));
  }
  return word;
}
// The bytes that mark a mailbox header of any format: all but the digit.
inline constexpr std::uint64_t magic_prefix_mask =
    std::endian::native == std::endian::little ? 0x00ffffffffffffffull : 0xffffffffffffff00ull;
// Format 1 (mailbox 0.1) wrote "MOBXHDR1" (its comment said MBOXHDR1; the
// constant spelled the letters in another order) and had no format field.
inline constexpr std::uint64_t format_1_magic = 0x3152444858424f4dull;
}  // namespace detail

inline constexpr std::uint64_t header_magic = detail::magic_of_format('0' + header_format);

// Where mailbox 0 starts after the header: 64 bytes, or the layout's
// alignment if larger, so the payload does not share a cache line with it.
template <valid_layout Layout>
inline constexpr std::size_t header_size = Layout::alignment > 64 ? Layout::alignment : 64;

// What a region needs for a header and one mailbox.
template <valid_layout Layout>
inline constexpr std::size_t size_with_header = header_size<Layout> + Layout::size;

// What a region needs for a header and `count` mailboxes (a mailbox_array).
// Throws region_error if that does not fit in a size_t.
template <valid_layout Layout>
[[nodiscard]] constexpr std::size_t region_size(std::size_t count) {
  return header_size<Layout> + mailbox_array<Layout>::required_size(count);
}

// attach_with_header() found no header, or one it must not read.
class header_error : public std::runtime_error {
 public:
  enum class kind {
    not_initialized,       // magic 0: nobody has written the header (yet)
    bad_magic,             // not a mailbox header at all
    fingerprint_mismatch,  // another layout, user version or protocol
    region,                // the region cannot hold what the header needs
    other_format,          // a mailbox header of another format (another library version)
    shape_mismatch,        // another number of mailboxes, stride or header size
  };
  header_error(kind k, const std::string& what, std::uint64_t expected = 0, std::uint64_t found = 0)
      : std::runtime_error(what), kind_(k), expected_(expected), found_(found) {}
  [[nodiscard]] kind what_kind() const noexcept { return kind_; }
  // For fingerprint_mismatch: this side's fingerprint and the region's
  // (the protocol's, when that is what differs). For other_format: this
  // side's header format and the region's.
  [[nodiscard]] std::uint64_t expected() const noexcept { return expected_; }
  [[nodiscard]] std::uint64_t found() const noexcept { return found_; }

 private:
  kind kind_;
  std::uint64_t expected_;
  std::uint64_t found_;
};

// What a header says about its region: everything but the magic, the format
// and the writer's library version. The side that initialises a region
// writes its own; the side that attaches compares its own with the region's.
struct header_identity {
  std::uint64_t fingerprint = 0;
  std::uint64_t protocol_fingerprint = 0;  // 0: none recorded / not checked
  std::uint64_t layout_size = 0;
  std::uint32_t user_version = 0;
  std::uint32_t header_size = 0;
  std::uint32_t count = 0;
  std::uint32_t stride = 0;
};

namespace detail {

inline std::string hex(std::uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
  return text;
}

// std::byteswap is C++23.
constexpr std::uint64_t byte_swapped(std::uint64_t word) noexcept {
  std::uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out |= ((word >> (8 * i)) & 0xffu) << (8 * (7 - i));
  return out;
}

inline std::string format_and_version(std::uint32_t format, std::uint32_t packed_version) {
  return "mailbox " + version_number::unpacked(packed_version).to_string() + ", header format " +
         std::to_string(format);
}

inline std::string this_library() { return format_and_version(header_format, library_version.packed()); }

// Checks that a region can hold the header and `needed` bytes in all, and is
// aligned for the header and for `alignment`.
inline void check_header_region(std::span<std::byte> region, std::size_t needed, std::size_t alignment,
                                const char* who) {
  if (region.size() < needed) {
    throw header_error(
        header_error::kind::region,
        std::string("mailbox::") + who + ": region too small for header and layout: expected at least " +
            std::to_string(needed) + " bytes, got " + std::to_string(region.size()) + " bytes");
  }
  const auto address = reinterpret_cast<std::uintptr_t>(region.data());
  if (address % alignof(region_header) != 0 || address % alignment != 0) {
    throw header_error(header_error::kind::region,
                       std::string("mailbox::") + who + ": region misaligned for the header and layout");
  }
}

// The header's fields, each read once: the other side may be hostile and
// change them while we look.
[[nodiscard]] inline region_header& header_at(std::span<std::byte> region) noexcept {
  return *std::launder(reinterpret_cast<region_header*>(region.data()));
}

// Writes a header in front of mailboxes that `initialize_mailboxes` prepares:
// first clears the magic (a region being re-initialised is not attachable),
// then lets the mailboxes be initialised, then writes the header, whose magic
// is release-stored last: an attacher that acquire-loads the magic sees
// everything before it.
template <class InitializeMailboxes>
void write_header(std::span<std::byte> region, const header_identity& identity,
                  InitializeMailboxes initialize_mailboxes) {
  region_header& header = header_at(region);
  // An old magic must never stand in front of new or half-zeroed contents
  // (a peer attaching meanwhile, or a re-initialiser that dies half-way).
  // The release orders our earlier use of the region before the clear. Each
  // mailbox's first state, release-stored, orders the clear before it: a
  // peer that acquire-loads the new state, then loads the magic, sees 0 or
  // the new magic. The release fence orders the clear before the plain
  // zeroing stores too, which a release store alone does not (it orders only
  // what comes before it), so no zeroed byte becomes visible ahead of the
  // clear. ThreadSanitizer does not model fences (GCC warns, -Wtsan); its
  // builds run on the generic backend, where only the first ordering holds.
  arch::store_release(header.magic, std::uint64_t{0});
#if !defined(MAILBOX_DETAIL_TSAN)
  std::atomic_thread_fence(std::memory_order_release);
#endif
  initialize_mailboxes();
  header.fingerprint = identity.fingerprint;
  header.protocol_fingerprint = identity.protocol_fingerprint;
  header.layout_size = identity.layout_size;
  header.user_version = identity.user_version;
  header.header_size = identity.header_size;
  header.count = identity.count;
  header.stride = identity.stride;
  header.format = header_format;
  header.library_version = library_version.packed();
  header.reserved = 0;
  // Pairs with the acquire-load of the magic in read_header().
  arch::store_release(header.magic, header_magic);
}

// Waits until `until` for a header, then checks that it is one this library
// reads and that it describes what `ours` expects: the same layout
// fingerprint, user version, layout size and header size; the same count
// (unless ours.count is 0: any) and stride; the same protocol fingerprint
// (unless ours.protocol_fingerprint is 0: not checked). Throws header_error
// naming both sides otherwise. Every header byte may have been written by a
// hostile peer: only integer comparisons are made on them. Returns the
// region's identity (its count, when ours.count was 0).
inline header_identity read_header(std::span<std::byte> region, const header_identity& ours, deadline until,
                                   const char* who) {
  region_header& header = header_at(region);
  const std::string prefix = std::string("mailbox::") + who + ": ";
  // Pairs with the release-store of the magic in write_header().
  std::uint64_t magic = arch::load_acquire(header.magic);
  while (magic == 0 && wait_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    magic = arch::load_acquire(header.magic);
  }
  if (magic == 0) {
    throw header_error(header_error::kind::not_initialized,
                       prefix + "the region has no header yet (not initialised)");
  }
  if (magic == format_1_magic) {
    throw header_error(header_error::kind::other_format,
                       prefix + "the region was made by mailbox 0.1 (header format 1); this program uses " +
                           this_library() +
                           ", which does not read it: build both sides against the same mailbox version",
                       header_format, 1);
  }
  if ((magic & magic_prefix_mask) != (header_magic & magic_prefix_mask)) {
    const bool swapped = (byte_swapped(magic) & magic_prefix_mask) == (header_magic & magic_prefix_mask);
    throw header_error(header_error::kind::bad_magic,
                       prefix + "the region does not start with a mailbox header: magic " + hex(magic) +
                           ", expected " + hex(header_magic) +
                           (swapped ? " (it is a mailbox header written with the other byte order)" : ""));
  }
  // Ordered by the magic's acquire, as every field below.
  const std::uint32_t format = header.format;
  const std::uint32_t writer = header.library_version;
  if (magic != header_magic || format != header_format) {
    throw header_error(header_error::kind::other_format,
                       prefix + "the region was made by " + format_and_version(format, writer) +
                           "; this program uses " + this_library() +
                           ", which does not read it: build both sides against the same mailbox version",
                       header_format, format);
  }
  header_identity theirs;
  theirs.fingerprint = header.fingerprint;
  theirs.protocol_fingerprint = header.protocol_fingerprint;
  theirs.layout_size = header.layout_size;
  theirs.user_version = header.user_version;
  theirs.header_size = header.header_size;
  theirs.count = header.count;
  theirs.stride = header.stride;
  const auto side = [&](const header_identity& id, std::uint32_t version) {
    return " (user version " + std::to_string(id.user_version) + ", layout size " +
           std::to_string(id.layout_size) + ", " + format_and_version(header_format, version) + ")";
  };
  if (theirs.fingerprint != ours.fingerprint || theirs.header_size != ours.header_size ||
      theirs.layout_size != ours.layout_size) {
    throw header_error(header_error::kind::fingerprint_mismatch,
                       prefix + "layout fingerprint mismatch: this side " + hex(ours.fingerprint) +
                           side(ours, library_version.packed()) + ", region " + hex(theirs.fingerprint) +
                           side(theirs, writer),
                       ours.fingerprint, theirs.fingerprint);
  }
  if (ours.protocol_fingerprint != 0 && theirs.protocol_fingerprint != ours.protocol_fingerprint) {
    throw header_error(header_error::kind::fingerprint_mismatch,
                       prefix + "protocol fingerprint mismatch: this side " + hex(ours.protocol_fingerprint) +
                           ", region " + hex(theirs.protocol_fingerprint) +
                           (theirs.protocol_fingerprint == 0 ? " (the region records no protocol)" : ""),
                       ours.protocol_fingerprint, theirs.protocol_fingerprint);
  }
  if ((ours.count != 0 && theirs.count != ours.count) || theirs.stride != ours.stride || theirs.count == 0) {
    throw header_error(header_error::kind::shape_mismatch,
                       prefix + "the region holds " + std::to_string(theirs.count) + " mailboxes " +
                           std::to_string(theirs.stride) + " bytes apart; this side expects " +
                           (ours.count != 0 ? std::to_string(ours.count) : std::string("at least one")) +
                           " mailboxes " + std::to_string(ours.stride) + " bytes apart");
  }
  // The mailboxes the header announces must lie within the region: the last
  // one starts (count - 1) strides after the first and is layout_size long.
  // (count and stride came from the other side: no product may wrap.)
  const std::size_t available = region.size() - theirs.header_size;
  const bool fits =
      theirs.layout_size <= available &&
      (theirs.count - 1) <= (available - theirs.layout_size) / (theirs.stride == 0 ? 1 : theirs.stride);
  if (!fits) {
    throw header_error(header_error::kind::region,
                       prefix + "region too small for the " + std::to_string(theirs.count) +
                           " mailboxes its header announces: " + std::to_string(region.size()) + " bytes");
  }
  return theirs;
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
