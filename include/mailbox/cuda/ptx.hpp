// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The PTX instructions a mailbox's device side is made of: an acquire-load
// and a release-store of the state word (and of flags), a compare-and-swap
// for try_transition, and nothing else. Written as inline PTX rather than
// through libcu++'s cuda::atomic_ref so that the instruction is the one the
// documentation and tests/cuda/check_ptx.py name, whatever a libcu++ version
// chooses to lower an order to (older ones built acquire and release from a
// relaxed access and a fence.acq_rel).
//
// Each asm statement is volatile with a "memory" clobber: NVVM may not move
// a payload access across it, and ptxas, which sees .acquire / .release,
// keeps the order the PTX memory model gives them. Generic addressing: the
// word may be in global memory (device memory or mapped host memory) or in
// shared memory.
#pragma once

#include <cstdint>
#include <cstdio>

#include "../abi.hpp"
#include "scope.hpp"

#if !defined(__CUDACC__)
#error "<mailbox/cuda/ptx.hpp> holds device code: include <mailbox/cuda.hpp> from a file nvcc compiles"
#endif
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 700
#error "mailbox: device code needs sm_70 or newer (ld.acquire and st.release are PTX ISA 6.0, sm_70)"
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace cuda {

namespace detail {

// Pairs with store_release<S>() on the other side (at scope S or wider):
// once this load sees the value, every payload store made before that
// release is visible to this thread.
template <scope S>
[[nodiscard]] __device__ __forceinline__ std::uint32_t load_acquire(const std::uint32_t* word) noexcept {
  std::uint32_t value;
  if constexpr (S == scope::system) {
    asm volatile("ld.acquire.sys.u32 %0, [%1];" : "=r"(value) : "l"(word) : "memory");
  } else {
    asm volatile("ld.acquire.gpu.u32 %0, [%1];" : "=r"(value) : "l"(word) : "memory");
  }
  return value;
}

template <scope S>
[[nodiscard]] __device__ __forceinline__ std::uint64_t load_acquire(const std::uint64_t* word) noexcept {
  std::uint64_t value;
  if constexpr (S == scope::system) {
    asm volatile("ld.acquire.sys.u64 %0, [%1];" : "=l"(value) : "l"(word) : "memory");
  } else {
    asm volatile("ld.acquire.gpu.u64 %0, [%1];" : "=l"(value) : "l"(word) : "memory");
  }
  return value;
}

// Pairs with load_acquire<S>() on the other side: every payload store this
// thread made before it is visible to whoever loads this value.
template <scope S>
__device__ __forceinline__ void store_release(std::uint32_t* word, std::uint32_t value) noexcept {
  if constexpr (S == scope::system) {
    asm volatile("st.release.sys.u32 [%0], %1;" : : "l"(word), "r"(value) : "memory");
  } else {
    asm volatile("st.release.gpu.u32 [%0], %1;" : : "l"(word), "r"(value) : "memory");
  }
}

template <scope S>
__device__ __forceinline__ void store_release(std::uint64_t* word, std::uint64_t value) noexcept {
  if constexpr (S == scope::system) {
    asm volatile("st.release.sys.u64 [%0], %1;" : : "l"(word), "l"(value) : "memory");
  } else {
    asm volatile("st.release.gpu.u64 [%0], %1;" : : "l"(word), "l"(value) : "memory");
  }
}

// Compare-and-swap, acq_rel: true if *word held `expected` and now holds
// `desired`; otherwise `expected` receives what *word held (read with
// acquire). Pairs with store_release<S>() and with other compare_exchange<S>()
// calls on the same word. Between a kernel and the host this is a system-
// scope atomic on host memory: see docs/cuda.md for the platforms where the
// host's own atomics on that word are atomic with it.
template <scope S>
__device__ __forceinline__ bool compare_exchange(std::uint32_t* word, std::uint32_t& expected,
                                                 std::uint32_t desired) noexcept {
  const std::uint32_t wanted = expected;
  if constexpr (S == scope::system) {
    asm volatile("atom.acq_rel.sys.cas.b32 %0, [%1], %2, %3;"
                 : "=r"(expected)
                 : "l"(word), "r"(wanted), "r"(desired)
                 : "memory");
  } else {
    asm volatile("atom.acq_rel.gpu.cas.b32 %0, [%1], %2, %3;"
                 : "=r"(expected)
                 : "l"(word), "r"(wanted), "r"(desired)
                 : "memory");
  }
  return expected == wanted;
}

template <scope S>
__device__ __forceinline__ bool compare_exchange(std::uint64_t* word, std::uint64_t& expected,
                                                 std::uint64_t desired) noexcept {
  const std::uint64_t wanted = expected;
  if constexpr (S == scope::system) {
    asm volatile("atom.acq_rel.sys.cas.b64 %0, [%1], %2, %3;"
                 : "=l"(expected)
                 : "l"(word), "l"(wanted), "l"(desired)
                 : "memory");
  } else {
    asm volatile("atom.acq_rel.gpu.cas.b64 %0, [%1], %2, %3;"
                 : "=l"(expected)
                 : "l"(word), "l"(wanted), "l"(desired)
                 : "memory");
  }
  return expected == wanted;
}

// Nanoseconds of the GPU's global timer (%globaltimer), for bounded waits.
[[nodiscard]] __device__ __forceinline__ std::uint64_t global_timer_ns() noexcept {
  std::uint64_t now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  return now;
}

// A misuse or a bad region in device code: device code has no exceptions
// and no abort(), so it prints the message (the host sees it when it next
// synchronises) and traps. The kernel ends with an error
// (cudaErrorLaunchFailure) and the context with it.
[[noreturn]] __device__ __noinline__ inline void trap(const char* message) noexcept {
  printf("%s", message);
  __trap();
  __builtin_unreachable();
}

}  // namespace detail
}  // namespace cuda
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
