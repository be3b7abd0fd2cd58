// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::mailbox_array<Layout>: n mailboxes of one layout side by side in
// one region (one shared segment for several frames), each on cache lines of
// its own; mailbox_array<Layout, mailbox::paired_line_stride> on pairs of
// lines of its own.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "abi.hpp"
#include "layout.hpp"
#include "view.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// An index past the end of a mailbox_array.
class index_error : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

// What a mailbox_array's stride rounds to (its second parameter).
// cache_line_stride: one 64-byte cache line, the default.
inline constexpr std::size_t cache_line_stride = 64;
// paired_line_stride: 128 bytes, for cores that move lines in aligned
// pairs. Intel's L2 spatial prefetcher (the "adjacent cache line" prefetch,
// on by default since the Pentium 4) fetches the other line of a 128-byte
// pair along with the one missed, so two mailboxes on the two lines of one
// pair still steal each other's lines; Apple's M-series cores (and IBM POWER)
// have 128-byte lines outright. The region must then be 128-byte aligned
// (a page-aligned mapping is).
inline constexpr std::size_t paired_line_stride = 128;

template <valid_layout Layout, std::size_t StrideUnit = cache_line_stride>
class mailbox_array {
  static_assert(StrideUnit >= cache_line_stride && std::has_single_bit(StrideUnit),
                "mailbox::mailbox_array: the stride unit must be a power of two of at least 64 bytes "
                "(mailbox::cache_line_stride or mailbox::paired_line_stride)");

 public:
  using layout_type = Layout;
  using mailbox_type = Mailbox<Layout>;
  using state_type = typename Layout::state_type;

  // The cache line the stride rounds to: 64 bytes on every core we target
  // (std::hardware_destructive_interference_size is not reliable: it varies
  // with -mtune, is 256 on AArch64 compilers and is missing from Clang 14).
  static constexpr std::size_t cache_line = 64;

  // What the stride rounds to: the stride unit, or the layout's alignment
  // if larger.
  static constexpr std::size_t stride_unit = Layout::alignment > StrideUnit ? Layout::alignment : StrideUnit;

  // Distance between two mailboxes: the layout's size rounded up to a
  // multiple of the stride unit (a cache line, or a pair) and of the layout's
  // alignment, so that neighbours never share a cache line (one side's state
  // word never false-shares with the next mailbox's payload) and every
  // mailbox is aligned.
  static constexpr std::size_t stride = [] {
    const std::size_t unit = stride_unit;
    const std::size_t rounded = (Layout::size + unit - 1) / unit * unit;
    return rounded == 0 ? unit : rounded;
  }();
  static_assert(stride % StrideUnit == 0 && stride % Layout::alignment == 0 && stride >= Layout::size);

  // The bytes a region needs for n mailboxes: n strides (the last one's
  // tail included, so a region sized by this stays a whole number of lines).
  // Throws region_error if that does not fit in a size_t.
  [[nodiscard]] static constexpr std::size_t required_size(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / stride) {
      throw region_error("mailbox::mailbox_array: " + std::to_string(n) + " mailboxes of " +
                         std::to_string(stride) + " bytes overflow size_t");
    }
    return n * stride;
  }

  // The layout's alignment; with paired_line_stride (or a larger unit) the
  // unit too, or the pairs would straddle mailboxes.
  static constexpr std::size_t required_alignment =
      StrideUnit > cache_line_stride ? stride_unit : Layout::alignment;

  // Views n mailboxes in an existing region; writes nothing. Throws
  // region_error when the region is too small for n strides or misaligned
  // for the layout (expected vs got, as Mailbox does).
  // In device code a bad region traps with the same message.
  MAILBOX_HOST_DEVICE mailbox_array(std::span<std::byte> region, std::size_t n)
      : base_(checked_region(region, n)), count_(n) {}

  // Prepares a fresh region: every mailbox zeroed (stride padding included)
  // and given the first state, as Mailbox::initialize does for one.
  // Nobody else may use the region meanwhile.
  [[nodiscard]] static mailbox_array initialize(std::span<std::byte> region, std::size_t n,
                                                state_type first) {
    mailbox_array array(region, n);
    for (std::size_t i = 0; i < n; ++i) {
      std::span<std::byte> slot = region.subspan(i * stride, stride);
      std::memset(slot.data() + Layout::size, 0, stride - Layout::size);
      (void)mailbox_type::initialize(slot, first);
    }
    return array;
  }

  // The mailbox at `index`. Bounds are checked: an index past the end
  // throws index_error naming both numbers (a wrong frame number from the
  // other side must not become a write outside the region).
  // In device code an index past the end traps with the same message.
  [[nodiscard]] MAILBOX_HOST_DEVICE mailbox_type operator[](std::size_t index) const {
#if defined(__CUDA_ARCH__)
    if (index >= count_) [[unlikely]] {
      printf("mailbox::mailbox_array: index %llu out of range for %llu mailboxes\n",
             static_cast<unsigned long long>(index), static_cast<unsigned long long>(count_));
      cuda::detail::trap("");
    }
#else
    if (index >= count_) {
      throw index_error("mailbox::mailbox_array: index " + std::to_string(index) + " out of range for " +
                        std::to_string(count_) + " mailboxes");
    }
#endif
    return mailbox_type(std::span<std::byte>(base_ + index * stride, stride));
  }

  [[nodiscard]] MAILBOX_HOST_DEVICE std::size_t size() const noexcept { return count_; }

  // The whole region the array covers: size() strides.
  [[nodiscard]] MAILBOX_HOST_DEVICE std::span<std::byte> bytes() const noexcept {
    return {base_, count_ * stride};
  }

 private:
  MAILBOX_HOST_DEVICE static std::byte* checked_region(std::span<std::byte> region, std::size_t n) {
#if defined(__CUDA_ARCH__)
    // n strides, or more bytes than any region has if that overflows.
    const std::size_t needed =
        n > static_cast<std::size_t>(-1) / stride ? static_cast<std::size_t>(-1) : n * stride;
    cuda::detail::check_region<Layout>("mailbox::mailbox_array", region.data(), region.size(), needed);
    return region.data();
#else
    const std::size_t needed = required_size(n);
    if (region.size() < needed) {
      throw region_error("mailbox::mailbox_array: region too small for " + std::to_string(n) +
                         " mailboxes: expected at least " + std::to_string(needed) + " bytes (" +
                         std::to_string(n) + " x stride " + std::to_string(stride) + "), got " +
                         std::to_string(region.size()) + " bytes");
    }
    const auto address = reinterpret_cast<std::uintptr_t>(region.data());
    if (address == 0 || address % required_alignment != 0) {
      throw region_error(
          "mailbox::mailbox_array: region misaligned for the layout and stride: expected an address aligned "
          "to " +
          std::to_string(required_alignment) + " bytes, got an address aligned to " +
          std::to_string(address == 0 ? 0 : std::size_t{1} << std::countr_zero(address)) + " bytes");
    }
    return region.data();
#endif
  }

  std::byte* base_;
  std::size_t count_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
