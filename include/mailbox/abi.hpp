// Which ordering backend this translation unit compiles, in macros only, and
// the inline namespace named after it that every mailbox entity lives in.
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

// The ODR guard (issue 8 item 15). The backend is chosen by macros, so two
// translation units of one program can compile different code for the same
// entity: a TU built with -march=armv8.3-a and one built for baseline armv8-a
// both emit Mailbox<L>::acquire, one with LDAPR, one with LDAR. Under one
// mangled name the linker keeps either copy, and a core without RCpc
// (Cortex-A53) dies of SIGILL in the baseline TU. Every mailbox entity
// therefore lives in an inline namespace named after the backend (the
// technique of libstdc++'s __cxx11 and Abseil's lts_ namespaces): users still
// write mailbox::Mailbox, but each backend's copies have their own names.
// A consequence: mailbox types from TUs built for different backends are
// different types, so an interface that passes them between such TUs fails
// to link instead of running the other backend's code.
#if defined(MAILBOX_BACKEND_X86_64)
#define MAILBOX_ABI_NAMESPACE backend_x86_64
#elif defined(MAILBOX_BACKEND_AARCH64) && MAILBOX_AARCH64_RCPC
#define MAILBOX_ABI_NAMESPACE backend_aarch64_rcpc
#elif defined(MAILBOX_BACKEND_AARCH64)
#define MAILBOX_ABI_NAMESPACE backend_aarch64
#else
#define MAILBOX_ABI_NAMESPACE backend_generic
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
