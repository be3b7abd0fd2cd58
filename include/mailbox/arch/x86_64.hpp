// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// x86-64: TSO already orders a plain load before later loads and a plain
// store after earlier stores, so acquire and release are a single MOV. Only
// the compiler may reorder, and the "memory" clobber stops it. No LOCK, XCHG
// or MFENCE belongs on these paths: that is the cost of seq_cst, not of
// acquire/release.
#pragma once

#include <cstdint>
#include <string_view>

#include "../abi.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::arch {

inline constexpr std::string_view backend_name = "x86-64 (MOV + compiler barrier)";

// Pairs with store_release() on the other side: once this load sees the
// value, every payload store made before that release is visible.
[[gnu::always_inline]] inline std::uint32_t load_acquire(const std::uint32_t& word) noexcept {
  std::uint32_t value;
  __asm__ __volatile__("movl %[word], %k[value]" : [value] "=r"(value) : [word] "m"(word) : "memory");
  return value;
}

[[gnu::always_inline]] inline std::uint64_t load_acquire(const std::uint64_t& word) noexcept {
  std::uint64_t value;
  __asm__ __volatile__("movq %[word], %q[value]" : [value] "=r"(value) : [word] "m"(word) : "memory");
  return value;
}

// Pairs with load_acquire() on the other side: every payload store the
// program made before this call is visible to whoever loads this value.
[[gnu::always_inline]] inline void store_release(std::uint32_t& word, std::uint32_t value) noexcept {
  __asm__ __volatile__("movl %[value], %[word]" : [word] "=m"(word) : [value] "ir"(value) : "memory");
}

// "e": a 32-bit sign-extended immediate, the widest MOVQ can store directly.
[[gnu::always_inline]] inline void store_release(std::uint64_t& word, std::uint64_t value) noexcept {
  __asm__ __volatile__("movq %[value], %[word]" : [word] "=m"(word) : [value] "er"(value) : "memory");
}

// Compare-and-swap, acq_rel on success and acquire on failure: one LOCK
// CMPXCHG, which is a full barrier on x86-64 (stronger than either order asks
// for, and the only CAS the ISA has). Pairs with store_release() and with
// other compare_exchange() calls on the same word. Like
// std::atomic_ref::compare_exchange_strong: true if *word held `expected`
// and now holds `desired`; otherwise `expected` receives what *word held.
// CMPXCHG compares with and reloads into EAX/RAX ("+a"); ZF says whether it
// stored ("=@ccz").
[[gnu::always_inline]] inline bool compare_exchange(std::uint32_t& word, std::uint32_t& expected,
                                                    std::uint32_t desired) noexcept {
  bool stored;
  __asm__ __volatile__("lock cmpxchgl %[desired], %[word]"
                       : [word] "+m"(word), [expected] "+a"(expected), [stored] "=@ccz"(stored)
                       : [desired] "r"(desired)
                       : "memory");
  return stored;
}

[[gnu::always_inline]] inline bool compare_exchange(std::uint64_t& word, std::uint64_t& expected,
                                                    std::uint64_t desired) noexcept {
  bool stored;
  __asm__ __volatile__("lock cmpxchgq %[desired], %[word]"
                       : [word] "+m"(word), [expected] "+a"(expected), [stored] "=@ccz"(stored)
                       : [desired] "r"(desired)
                       : "memory");
  return stored;
}

// Tells the core we are spinning: saves power and avoids the memory-order
// machine clear when the awaited store arrives.
[[gnu::always_inline]] inline void cpu_relax() noexcept { __asm__ __volatile__("pause" ::: "memory"); }

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::arch
