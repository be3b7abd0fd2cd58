// Chooses the ordering backend: the one place that looks at the target.
#pragma once

#include <string_view>

// ThreadSanitizer cannot see the asm backends and would report a false race on
// every payload they order, so a TSan build takes the generic path. GCC says
// so with __SANITIZE_THREAD__, Clang 14 only through __has_feature.
#if defined(__SANITIZE_THREAD__)
#define MAILBOX_DETAIL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MAILBOX_DETAIL_TSAN 1
#endif
#endif

#if defined(MAILBOX_FORCE_GENERIC) || defined(MAILBOX_DETAIL_TSAN)
#include "arch/generic.hpp"
#define MAILBOX_BACKEND_GENERIC 1
#elif defined(__x86_64__)
#include "arch/x86_64.hpp"
#define MAILBOX_BACKEND_X86_64 1
#elif defined(__aarch64__)
#include "arch/aarch64.hpp"
#define MAILBOX_BACKEND_AARCH64 1
#else
#include "arch/generic.hpp"
#define MAILBOX_BACKEND_GENERIC 1
#endif

namespace mailbox {

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

}  // namespace mailbox
