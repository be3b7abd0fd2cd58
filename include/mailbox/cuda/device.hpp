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

// attach_with_header() for device code: the mailboxes of a region that the
// host prepared with a header (mapped_region, device_region), after the
// same checks the host makes: a mailbox header, this layout's fingerprint
// and version, room for `count` mailboxes. A mismatch traps with a message
// naming both fingerprints, so a kernel built against another version of
// the layout stops instead of misreading the payload.
template <valid_layout Layout, std::uint32_t UserVersion = 0>
[[nodiscard]] __device__ mailbox_array<Layout> attach_with_header(std::span<std::byte> region,
                                                                  std::size_t count) noexcept {
  using plain = unscoped_t<Layout>;
  constexpr std::size_t header = header_size<plain>;
  constexpr std::uint64_t ours = fingerprint<plain, UserVersion>;
  constexpr std::uint64_t magic_expected = header_magic;
  if (region.size() < header) {
    printf("mailbox::cuda::attach_with_header: region too small for the header: %llu bytes\n",
           static_cast<unsigned long long>(region.size()));
    detail::trap("");
  }
  const auto* head = reinterpret_cast<const region_header*>(region.data());
  // Pairs with the release-store of the magic in initialize_with_header().
  const std::uint64_t magic = detail::load_acquire<scope_of<Layout>>(&head->magic);
  if (magic != magic_expected) {
    printf(
        "mailbox::cuda::attach_with_header: the region does not start with a mailbox header: magic "
        "0x%016llx, "
        "expected 0x%016llx\n",
        static_cast<unsigned long long>(magic), static_cast<unsigned long long>(magic_expected));
    detail::trap("");
  }
  if (head->fingerprint != ours || head->header_size != header) {
    printf(
        "mailbox::cuda::attach_with_header: layout fingerprint mismatch: this side 0x%016llx (version %u, "
        "size "
        "%llu), region 0x%016llx (version %u, size %llu)\n",
        static_cast<unsigned long long>(ours), static_cast<unsigned>(UserVersion),
        static_cast<unsigned long long>(plain::size), static_cast<unsigned long long>(head->fingerprint),
        static_cast<unsigned>(head->user_version), static_cast<unsigned long long>(head->layout_size));
    detail::trap("");
  }
  return mailbox_array<Layout>(region.subspan(header), count);
}

}  // namespace cuda
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
