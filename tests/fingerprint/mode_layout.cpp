// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// One layout with compiler-extension types, fingerprinted in a TU built as
// -std=c++20 and in one built as -std=gnu++20 (tests/CMakeLists.txt builds
// this file twice, naming the function after the mode). libstdc++ calls
// __int128 integral only in the gnu mode, so a fingerprint that asked
// std::is_integral would differ between the two.
#include <mailbox/mailbox.hpp>

#include <cstdint>

#ifndef MAILBOX_FINGERPRINT_MODE
#error "MAILBOX_FINGERPRINT_MODE names the function: strict or gnu"
#endif

namespace fingerprint_modes {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

enum class Wide : std::int32_t { idle, busy };

using Extended =
    mailbox::layout<mailbox::state<"state", Wide>, mailbox::field<"big", int128>,
                    mailbox::field<"ubig", uint128>, mailbox::field<"pair", int128[2]>,
                    mailbox::field<"ratio", long double>, mailbox::field<"count", std::uint64_t>>;

#define MAILBOX_FINGERPRINT_NAME2(mode) fingerprint_##mode
#define MAILBOX_FINGERPRINT_NAME(mode) MAILBOX_FINGERPRINT_NAME2(mode)

std::uint64_t MAILBOX_FINGERPRINT_NAME(MAILBOX_FINGERPRINT_MODE)() {
  constexpr std::uint64_t value = mailbox::fingerprint<Extended>;
  return value;
}

}  // namespace fingerprint_modes
