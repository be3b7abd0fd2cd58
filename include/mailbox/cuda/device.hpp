// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// What device code gets beyond the Mailbox and token it shares with the host:
// a bounded acquire, and the region header's check on the device side.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "../abi.hpp"
#include "../array.hpp"
#include "../fingerprint.hpp"
#include "../header.hpp"
#include "../layout.hpp"
#include "../view.hpp"
#include "ptx.hpp"
#include "scope.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace cuda {

// Mailbox::acquire(expected) with a bound: polls the state until it is
// `expected` (a token) or `timeout` has passed on the GPU's global timer
// (nothing). The host's wait policies (spin_then_yield, spin_then_block)
// need a scheduler and futexes that device code does not have.
template <class Layout>
[[nodiscard]] __device__ std::optional<typename Mailbox<Layout>::token> acquire_for(
    const Mailbox<Layout>& box, typename Layout::state_type expected,
    std::chrono::nanoseconds timeout) noexcept {
  const std::uint64_t start = detail::global_timer_ns();
  const auto limit = static_cast<std::uint64_t>(timeout.count() < 0 ? 0 : timeout.count());
  for (;;) {
    if (auto acquired = box.try_acquire(expected)) return acquired;
    if (detail::global_timer_ns() - start >= limit) return std::nullopt;
  }
}

// attach_array_with_header() for device code: the mailboxes of a region that
// the host prepared with a header (mapped_region, device_region), after the
// checks the host makes: a mailbox header of this format, this layout's
// fingerprint, version and size, its stride, `count` mailboxes (0: as many as
// the header says) that fit in the region. A mismatch traps with a message
// naming both sides, so a kernel built against another version of the layout
// or of the library stops instead of misreading the payload.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] __device__ mailbox_array<Layout> attach_array_with_header(std::span<std::byte> region,
                                                                        std::size_t count = 0) noexcept {
  using plain = unscoped_t<Layout>;
  constexpr std::size_t header = header_size<plain>;
  constexpr std::uint64_t ours = fingerprint<plain, UserVersion>;
  constexpr std::uint64_t magic_expected = header_magic;
  constexpr std::uint32_t format_expected = header_format;
  constexpr std::size_t stride = mailbox_array<plain>::stride;
  if (region.size() < header) {
    printf("mailbox::cuda::attach_array_with_header: region too small for the header: %llu bytes\n",
           static_cast<unsigned long long>(region.size()));
    detail::trap("");
  }
  const auto* head = reinterpret_cast<const region_header*>(region.data());
  // Pairs with the release-store of the magic in initialize_array_with_header().
  const std::uint64_t magic = detail::load_acquire<scope_of<Layout>>(&head->magic);
  if (magic != magic_expected || head->format != format_expected) {
    printf(
        "mailbox::cuda::attach_array_with_header: the region does not start with a mailbox header of format "
        "%u: magic 0x%016llx (expected 0x%016llx), format %u, written by library version 0x%06x\n",
        format_expected, static_cast<unsigned long long>(magic),
        static_cast<unsigned long long>(magic_expected), head->format, head->library_version);
    detail::trap("");
  }
  if (head->fingerprint != ours || head->header_size != header || head->layout_size != plain::size) {
    printf(
        "mailbox::cuda::attach_array_with_header: layout fingerprint mismatch: this side 0x%016llx (version "
        "%u, size %llu), region 0x%016llx (version %u, size %llu)\n",
        static_cast<unsigned long long>(ours), static_cast<unsigned>(UserVersion),
        static_cast<unsigned long long>(plain::size), static_cast<unsigned long long>(head->fingerprint),
        static_cast<unsigned>(head->user_version), static_cast<unsigned long long>(head->layout_size));
    detail::trap("");
  }
  const std::size_t theirs = head->count;
  if ((count != 0 && theirs != count) || theirs == 0 || head->stride != stride) {
    printf(
        "mailbox::cuda::attach_array_with_header: the region holds %llu mailboxes %u bytes apart; this side "
        "expects %llu mailboxes %llu bytes apart\n",
        static_cast<unsigned long long>(theirs), head->stride, static_cast<unsigned long long>(count),
        static_cast<unsigned long long>(stride));
    detail::trap("");
  }
  // mailbox_array traps if the region does not hold `theirs` strides.
  return mailbox_array<Layout>(region.subspan(header), theirs);
}

}  // namespace cuda
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
