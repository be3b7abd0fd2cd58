// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Includes the ordering backend that abi.hpp chose (abi.hpp is the one place
// that looks at the target) and names it for tests and benchmarks.
#pragma once

#include <string_view>

#include "abi.hpp"

#if defined(MAILBOX_BACKEND_X86_64)
#include "arch/x86_64.hpp"
#elif defined(MAILBOX_BACKEND_AARCH64)
#include "arch/aarch64.hpp"
#else
#include "arch/generic.hpp"
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

enum class backend { x86_64, aarch64, aarch64_rcpc, generic };

// The ordering backend this translation unit compiled, for tests and
// benchmarks to report which path they measured.
#if defined(MAILBOX_BACKEND_X86_64)
inline constexpr backend compiled_backend = backend::x86_64;
#elif defined(MAILBOX_BACKEND_AARCH64)
inline constexpr backend compiled_backend = MAILBOX_AARCH64_RCPC ? backend::aarch64_rcpc : backend::aarch64;
#else
inline constexpr backend compiled_backend = backend::generic;
#endif

inline constexpr std::string_view backend_name = arch::backend_name;

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
