// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The library's version, for code that must know which mailbox it was built
// against (region headers record it; docs/compatibility.md says what each
// part of it promises). CMake's project version and these macros agree: a
// test checks it.
#pragma once

#include <cstdint>
#include <string>

#include "abi.hpp"

#define MAILBOX_VERSION_MAJOR 0
#define MAILBOX_VERSION_MINOR 2
#define MAILBOX_VERSION_PATCH 0
// One number that orders versions: 0.2.0 is 200, 1.4.12 is 10412.
#define MAILBOX_VERSION (MAILBOX_VERSION_MAJOR * 10000 + MAILBOX_VERSION_MINOR * 100 + MAILBOX_VERSION_PATCH)

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// A version as three numbers.
struct version_number {
  std::uint32_t major;
  std::uint32_t minor;
  std::uint32_t patch;

  // Packed as a region header stores it: (major << 16) | (minor << 8) | patch.
  [[nodiscard]] constexpr std::uint32_t packed() const noexcept { return major << 16 | minor << 8 | patch; }
  [[nodiscard]] static constexpr version_number unpacked(std::uint32_t packed) noexcept {
    return {packed >> 16, (packed >> 8) & 0xffu, packed & 0xffu};
  }
  [[nodiscard]] std::string to_string() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  }
  friend constexpr bool operator==(const version_number&, const version_number&) = default;
};

// The version of the headers this translation unit includes.
inline constexpr version_number library_version{MAILBOX_VERSION_MAJOR, MAILBOX_VERSION_MINOR,
                                                MAILBOX_VERSION_PATCH};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
