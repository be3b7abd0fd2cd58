// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Which ordering and wait backends this translation unit compiles, in macros
// only, and the inline namespace named after them that every mailbox entity
// lives in.
// arch.hpp includes the backend these macros choose; every other header
// includes this one first, so that its namespace carries the backend's name.
#pragma once

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
#define MAILBOX_BACKEND_GENERIC 1
#elif defined(__x86_64__)
#define MAILBOX_BACKEND_X86_64 1
#elif defined(__aarch64__)
#define MAILBOX_BACKEND_AARCH64 1
#else
#define MAILBOX_BACKEND_GENERIC 1
#endif

#if defined(MAILBOX_BACKEND_AARCH64)
// LDAPR (RCpc, Armv8.3) is enough for acquire and cheaper than LDAR: it may
// pass an earlier STLR to another address, which message passing never needs.
// GCC 12 and Clang 14 compile a std::atomic acquire load to LDAR even for
// -march=armv8.3-a (checked with both), so this asm is where the library
// beats a plain std::atomic_ref on such cores.
//
// The feature macro __ARM_FEATURE_RCPC entered the ACLE in 2022
// (ARM-software/acle#199), after GCC 12 and Clang 14: neither defines it, not
// even for -march=...+rcpc. Both define __ARM_FEATURE_COMPLEX (FCMA) for
// -march=armv8.3-a and later, and FCMA is mandatory from Armv8.3 as RCpc is,
// so that stands in for it. Set MAILBOX_AARCH64_RCPC to 1 for a core known to
// have RCpc that the flags do not say so (-march=armv8.2-a+rcpc), or to 0 for
// one that has FCMA without RCpc.
#if !defined(MAILBOX_AARCH64_RCPC)
#if defined(__ARM_FEATURE_RCPC) || defined(__ARM_FEATURE_COMPLEX)
#define MAILBOX_AARCH64_RCPC 1
#else
#define MAILBOX_AARCH64_RCPC 0
#endif
#endif
#endif

// The wait backend (wait.hpp, docs/waiting.md): FUTEX_WAIT/FUTEX_WAKE on the
// state word on Linux; elsewhere, or on Linux when MAILBOX_FORCE_PORTABLE_WAIT
// is defined, the portable one (spin, yield, then sleep with a bounded
// backoff), which needs nothing beyond POSIX.
#if defined(__linux__) && !defined(MAILBOX_FORCE_PORTABLE_WAIT)
#define MAILBOX_WAIT_BACKEND_FUTEX 1
#else
#define MAILBOX_WAIT_BACKEND_PORTABLE 1
#endif

// Debug-build check that every token is published (or abandoned, or moved
// from) before it is destroyed (token.hpp): on by default where NDEBUG is not
// defined, like assert(); define MAILBOX_DEBUG_TOKENS to 0 or 1 to choose.
// Decided here, before the namespace below is named after it.
#if !defined(MAILBOX_DEBUG_TOKENS)
#if defined(NDEBUG)
#define MAILBOX_DEBUG_TOKENS 0
#else
#define MAILBOX_DEBUG_TOKENS 1
#endif
#endif

// The ODR guard (issue 8 item 15). The backend and the token checks are
// chosen by macros, so two translation units of one program can compile
// different code for the same entity:
//   - a TU built with -march=armv8.3-a and one built for baseline armv8-a
//     both emit Mailbox<L>::acquire, one with LDAPR, one with LDAR;
//   - a TU built with -march=armv8.1-a or later and a baseline one both emit
//     the wait's compare-and-swap, one as CASA (LSE), one as an LDAXR/STLXR
//     loop or a call that checks for LSE at run time;
//   - a debug TU (MAILBOX_DEBUG_TOKENS) and a release one both emit the
//     token's move assignment, one with the dropped-token check, one without.
// Under one mangled name the linker keeps either copy: a core without RCpc
// or LSE (Cortex-A53) dies of SIGILL in the baseline TU, and a release TU
// aborts on a token it may drop. Every mailbox entity therefore lives in an
// inline namespace named after the backend, its instruction extensions and
// the token checks (the technique of libstdc++'s __cxx11 and Abseil's lts_
// namespaces): users still write mailbox::Mailbox, but each configuration's
// copies have their own names. A consequence: mailbox types from TUs built
// differently are different types, so an interface that passes them between
// such TUs fails to link instead of running the other configuration's code.
#if defined(MAILBOX_BACKEND_AARCH64) && defined(__ARM_FEATURE_ATOMICS)
#define MAILBOX_DETAIL_AARCH64_LSE 1
#else
#define MAILBOX_DETAIL_AARCH64_LSE 0
#endif

#define MAILBOX_DETAIL_CONCAT_(a, b) a##b
#define MAILBOX_DETAIL_CONCAT(a, b) MAILBOX_DETAIL_CONCAT_(a, b)

#if defined(MAILBOX_BACKEND_X86_64)
#define MAILBOX_DETAIL_ABI_BACKEND backend_x86_64
#elif defined(MAILBOX_BACKEND_AARCH64) && MAILBOX_AARCH64_RCPC && MAILBOX_DETAIL_AARCH64_LSE
#define MAILBOX_DETAIL_ABI_BACKEND backend_aarch64_lse_rcpc
#elif defined(MAILBOX_BACKEND_AARCH64) && MAILBOX_AARCH64_RCPC
#define MAILBOX_DETAIL_ABI_BACKEND backend_aarch64_rcpc
#elif defined(MAILBOX_BACKEND_AARCH64) && MAILBOX_DETAIL_AARCH64_LSE
#define MAILBOX_DETAIL_ABI_BACKEND backend_aarch64_lse
#elif defined(MAILBOX_BACKEND_AARCH64)
#define MAILBOX_DETAIL_ABI_BACKEND backend_aarch64
#else
#define MAILBOX_DETAIL_ABI_BACKEND backend_generic
#endif

// The wait backend is part of the name too: the two compile different code
// for publish() and the waits (a FUTEX_WAKE or none), a different
// process_alive and different policy defaults, so a program whose TUs
// disagree must not silently keep one TU's copies for the other's calls. The
// futex backend and release token checks add nothing to the backend's name.
#if MAILBOX_DEBUG_TOKENS
#define MAILBOX_DETAIL_ABI_TOKENS MAILBOX_DETAIL_CONCAT(MAILBOX_DETAIL_ABI_BACKEND, _checked_tokens)
#else
#define MAILBOX_DETAIL_ABI_TOKENS MAILBOX_DETAIL_ABI_BACKEND
#endif
#if defined(MAILBOX_WAIT_BACKEND_PORTABLE)
#define MAILBOX_ABI_NAMESPACE MAILBOX_DETAIL_CONCAT(MAILBOX_DETAIL_ABI_TOKENS, _portable_wait)
#else
#define MAILBOX_ABI_NAMESPACE MAILBOX_DETAIL_ABI_TOKENS
#endif

// The functions CUDA device code may call (<mailbox/cuda.hpp>): __host__
// __device__ under nvcc, nothing for every other compiler. Their device
// forms live in #if defined(__CUDA_ARCH__) branches next to the host code.
#if defined(__CUDACC__)
#define MAILBOX_HOST_DEVICE __host__ __device__
#else
#define MAILBOX_HOST_DEVICE
#endif

// constexpr under nvcc only, for the few functions whose device code nvcc
// compiles wrongly when they are not (see token's move constructor). They
// are not constant expressions, which only clang would say.
#if defined(__CUDACC__)
#define MAILBOX_CUDA_CONSTEXPR constexpr
#else
#define MAILBOX_CUDA_CONSTEXPR
#endif
