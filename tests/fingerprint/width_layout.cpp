// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Fingerprints on a 64- and a 32-bit build (cmake/fingerprint_width.cmake):
// built natively, it prints the fingerprints of two layouts; built with -m32
// and those figures as macros, it checks at compile time that the portable
// layout fingerprints the same (its offsets agree on both) and that the
// natural one does not (i386 aligns std::uint64_t to 4, so its offsets move).
#include <mailbox/mailbox.hpp>

#include <cstdint>
#include <cstdio>

namespace {

enum class Phase : std::uint16_t { idle, busy };

// Fixed-width fields; the 8-byte ones pinned, so both builds agree.
using Portable = mailbox::layout<mailbox::state<"state", std::uint32_t>, mailbox::field<"tag", std::uint8_t>,
                                 mailbox::field<"phase", Phase>, mailbox::field<"count", std::int32_t>,
                                 mailbox::field<"ratio", float>, mailbox::field<"word", std::uint64_t, 16>,
                                 mailbox::field<"words", std::uint64_t[3], 24>,
                                 mailbox::field<"text", char[13]>, mailbox::flag<"stop", std::uint32_t>,
                                 mailbox::overlay<"a", mailbox::field<"a0", std::uint16_t>>,
                                 mailbox::overlay<"b", mailbox::field<"b0", char[6]>>,
                                 mailbox::valid_states<0u, 1u>, mailbox::total_size<128>>;

// A computed std::uint64_t after 12 bytes: offset 16 on x86-64, 12 on i386.
using Natural = mailbox::layout<mailbox::state<"state", std::uint32_t>, mailbox::field<"a", std::uint32_t>,
                                mailbox::field<"b", std::uint8_t>, mailbox::field<"c", std::uint64_t>>;

}  // namespace

#if defined(MAILBOX_PORTABLE_FINGERPRINT)
static_assert(sizeof(void*) == 4, "this side of the check is the 32-bit build");
static_assert(mailbox::fingerprint<Portable> == MAILBOX_PORTABLE_FINGERPRINT,
              "a layout with the same offsets must fingerprint the same on a 32- and a 64-bit build");
static_assert(mailbox::fingerprint<Natural> != MAILBOX_NATURAL_FINGERPRINT,
              "a layout whose offsets differ between the builds must not fingerprint the same");
#endif

int main() {
  std::printf("portable=0x%016llxULL natural=0x%016llxULL\n",
              static_cast<unsigned long long>(mailbox::fingerprint<Portable>),
              static_cast<unsigned long long>(mailbox::fingerprint<Natural>));
}
