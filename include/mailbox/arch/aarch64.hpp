// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// AArch64: STLR is a release store, LDAR an acquire load, and a message passed
// with an STLR/LDAR (or STLR/LDAPR) pair cannot be reordered: see
// tests/litmus. A plain STR/LDR pair can, which is the bug this library exists
// to prevent.
#pragma once

#include <cstdint>
#include <string_view>

#include "../abi.hpp"

#if MAILBOX_AARCH64_RCPC
// The assembler accepts LDAPR only where RCpc is enabled; with the override
// macro the -march flags may not say so.
#define MAILBOX_DETAIL_LOAD_ACQUIRE ".arch_extension rcpc\n\tldapr"
#else
#define MAILBOX_DETAIL_LOAD_ACQUIRE "ldar"
#endif

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::arch {

inline constexpr std::string_view backend_name =
    MAILBOX_AARCH64_RCPC ? "aarch64 (LDAPR/STLR)" : "aarch64 (LDAR/STLR)";

// "Q" is a memory operand addressed by a single base register, the only form
// LDAR, LDAPR and STLR accept; an "m" operand with an offset does not assemble.

// Pairs with store_release() on the other side: once this load sees the
// value, every payload store made before that release is visible.
// "=&r": the result never reuses the address register, which the caller's
// STLR to the same word usually still needs (g++ -Os recomputed it).
[[gnu::always_inline]] inline std::uint32_t load_acquire(const std::uint32_t& word) noexcept {
  std::uint32_t value;
  __asm__ __volatile__(MAILBOX_DETAIL_LOAD_ACQUIRE " %w[value], %[word]"
                       : [value] "=&r"(value)
                       : [word] "Q"(word)
                       : "memory");
  return value;
}

[[gnu::always_inline]] inline std::uint64_t load_acquire(const std::uint64_t& word) noexcept {
  std::uint64_t value;
  __asm__ __volatile__(MAILBOX_DETAIL_LOAD_ACQUIRE " %x[value], %[word]"
                       : [value] "=&r"(value)
                       : [word] "Q"(word)
                       : "memory");
  return value;
}

// Pairs with load_acquire() on the other side: every payload store the
// program made before this call is visible to whoever loads this value.
// "rZ" lets a zero be stored from WZR/XZR without a register move.
[[gnu::always_inline]] inline void store_release(std::uint32_t& word, std::uint32_t value) noexcept {
  // Clang ignores the "Z" alternative and moves a zero into a register first;
  // spelling out WZR saves that instruction on both compilers.
  if (__builtin_constant_p(value) && value == 0) {
    __asm__ __volatile__("stlr wzr, %[word]" : [word] "=Q"(word) : : "memory");
  } else {
    __asm__ __volatile__("stlr %w[value], %[word]" : [word] "=Q"(word) : [value] "rZ"(value) : "memory");
  }
}

[[gnu::always_inline]] inline void store_release(std::uint64_t& word, std::uint64_t value) noexcept {
  if (__builtin_constant_p(value) && value == 0) {
    __asm__ __volatile__("stlr xzr, %[word]" : [word] "=Q"(word) : : "memory");
  } else {
    __asm__ __volatile__("stlr %x[value], %[word]" : [word] "=Q"(word) : [value] "rZ"(value) : "memory");
  }
}

// Compare-and-swap, acq_rel on success and acquire on failure, like
// std::atomic_ref::compare_exchange_strong: true if *word held `expected` and
// now holds `desired`; otherwise `expected` receives what *word held. Pairs
// with store_release() and with other compare_exchange() calls on the same
// word.
//
// With LSE (Armv8.1, __ARM_FEATURE_ATOMICS) one CASAL: it loads with acquire
// and, if it stores, stores with release; the old value comes back in the
// register that held `expected`. Without LSE an LDAXR/STLXR loop, retried
// only when the exclusive store loses its reservation (a strong CAS); a
// mismatch leaves without storing, after the acquiring LDAXR. Written here
// rather than left to std::atomic_ref because Debian's aarch64 g++ defaults
// to -moutline-atomics, which turns the CAS into a call to libgcc's
// __aarch64_cas4_acq_rel (a run-time LSE check, and a call in the middle of
// the handoff).
#if defined(__ARM_FEATURE_ATOMICS)
[[gnu::always_inline]] inline bool compare_exchange(std::uint32_t& word, std::uint32_t& expected,
                                                    std::uint32_t desired) noexcept {
  const std::uint32_t wanted = expected;
  __asm__ __volatile__("casal %w[old], %w[desired], %[word]"
                       : [word] "+Q"(word), [old] "+r"(expected)
                       : [desired] "rZ"(desired)
                       : "memory");
  return expected == wanted;
}

[[gnu::always_inline]] inline bool compare_exchange(std::uint64_t& word, std::uint64_t& expected,
                                                    std::uint64_t desired) noexcept {
  const std::uint64_t wanted = expected;
  __asm__ __volatile__("casal %x[old], %x[desired], %[word]"
                       : [word] "+Q"(word), [old] "+r"(expected)
                       : [desired] "rZ"(desired)
                       : "memory");
  return expected == wanted;
}
#else
[[gnu::always_inline]] inline bool compare_exchange(std::uint32_t& word, std::uint32_t& expected,
                                                    std::uint32_t desired) noexcept {
  std::uint32_t old;
  std::uint32_t failed;  // STLXR's status: 0 when it stored
  __asm__ __volatile__(
      "1:\n\t"
      "ldaxr %w[old], %[word]\n\t"
      "cmp %w[old], %w[expected]\n\t"
      "b.ne 2f\n\t"
      "stlxr %w[failed], %w[desired], %[word]\n\t"
      "cbnz %w[failed], 1b\n"
      "2:"
      : [word] "+Q"(word), [old] "=&r"(old), [failed] "=&r"(failed)
      : [expected] "r"(expected), [desired] "rZ"(desired)
      : "cc", "memory");
  const bool stored = old == expected;
  expected = old;
  return stored;
}

[[gnu::always_inline]] inline bool compare_exchange(std::uint64_t& word, std::uint64_t& expected,
                                                    std::uint64_t desired) noexcept {
  std::uint64_t old;
  std::uint32_t failed;
  __asm__ __volatile__(
      "1:\n\t"
      "ldaxr %x[old], %[word]\n\t"
      "cmp %x[old], %x[expected]\n\t"
      "b.ne 2f\n\t"
      "stlxr %w[failed], %x[desired], %[word]\n\t"
      "cbnz %w[failed], 1b\n"
      "2:"
      : [word] "+Q"(word), [old] "=&r"(old), [failed] "=&r"(failed)
      : [expected] "r"(expected), [desired] "rZ"(desired)
      : "cc", "memory");
  const bool stored = old == expected;
  expected = old;
  return stored;
}
#endif

[[gnu::always_inline]] inline void cpu_relax() noexcept { __asm__ __volatile__("yield" ::: "memory"); }

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::arch

#undef MAILBOX_DETAIL_LOAD_ACQUIRE
