// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::detail::builtin_atomic_ref, the fallback for standard libraries
// without std::atomic_ref (libc++ before 19), checked on every toolchain:
// each operation against its contract, and its constants against
// std::atomic_ref's where the library has one.
#include <mailbox/mailbox.hpp>

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <version>

#include "support/catch.hpp"

namespace {

enum class Wide : std::uint64_t { low = 1, high = 0xfedc'ba98'7654'3210 };
struct Three {
  char bytes[3];
};

template <class T>
using fallback = mailbox::detail::builtin_atomic_ref<T>;

}  // namespace

TEST_CASE("the fallback's constants are std::atomic_ref's where the library has it", "[atomic_ref]") {
#if defined(__cpp_lib_atomic_ref)
  STATIC_REQUIRE(std::is_same_v<mailbox::detail::atomic_ref<std::uint32_t>, std::atomic_ref<std::uint32_t>>);
  STATIC_REQUIRE(fallback<std::uint32_t>::required_alignment ==
                 std::atomic_ref<std::uint32_t>::required_alignment);
  STATIC_REQUIRE(fallback<std::uint64_t>::required_alignment ==
                 std::atomic_ref<std::uint64_t>::required_alignment);
  STATIC_REQUIRE(fallback<Wide>::required_alignment == std::atomic_ref<Wide>::required_alignment);
  STATIC_REQUIRE(fallback<std::uint32_t>::is_always_lock_free ==
                 std::atomic_ref<std::uint32_t>::is_always_lock_free);
  STATIC_REQUIRE(fallback<std::uint64_t>::is_always_lock_free ==
                 std::atomic_ref<std::uint64_t>::is_always_lock_free);
#else
  STATIC_REQUIRE(std::is_same_v<mailbox::detail::atomic_ref<std::uint32_t>, fallback<std::uint32_t>>);
#endif
  // What the layout's state-word check relies on, on every 64-bit target.
  STATIC_REQUIRE(fallback<std::uint32_t>::is_always_lock_free);
  STATIC_REQUIRE(fallback<std::uint64_t>::is_always_lock_free);
  STATIC_REQUIRE(fallback<std::uint64_t>::required_alignment == 8);
  STATIC_REQUIRE(fallback<Three>::required_alignment == 1);  // not a power of two: natural alignment
}

TEST_CASE("the fallback loads, stores and exchanges", "[atomic_ref]") {
  alignas(8) std::uint64_t word = 5;
  const fallback<std::uint64_t> ref(word);
  REQUIRE(ref.load(std::memory_order_acquire) == 5);
  ref.store(0x1122'3344'5566'7788, std::memory_order_release);
  REQUIRE(word == 0x1122'3344'5566'7788);
  REQUIRE(ref.exchange(9, std::memory_order_acq_rel) == 0x1122'3344'5566'7788);
  REQUIRE(word == 9);

  alignas(8) Wide state = Wide::low;
  const fallback<Wide> state_ref(state);
  state_ref.store(Wide::high);
  REQUIRE(state_ref.load() == Wide::high);
}

TEST_CASE("the fallback's compare_exchange_strong stores on a match and reports the value on a mismatch",
          "[atomic_ref]") {
  alignas(4) std::uint32_t word = 7;
  const fallback<std::uint32_t> ref(word);

  std::uint32_t expected = 6;
  REQUIRE_FALSE(ref.compare_exchange_strong(expected, 8, std::memory_order_relaxed));
  REQUIRE(expected == 7);  // the value seen
  REQUIRE(word == 7);      // nothing stored

  REQUIRE(ref.compare_exchange_strong(expected, 8, std::memory_order_acq_rel));
  REQUIRE(word == 8);

  expected = 8;
  REQUIRE(ref.compare_exchange_strong(expected, 1, std::memory_order_release, std::memory_order_relaxed));
  REQUIRE(word == 1);
}

TEST_CASE("every memory order maps to its __atomic constant", "[atomic_ref]") {
  using mailbox::detail::builtin_failure_order;
  using mailbox::detail::builtin_memory_order;
  STATIC_REQUIRE(builtin_memory_order(std::memory_order_relaxed) == __ATOMIC_RELAXED);
  STATIC_REQUIRE(builtin_memory_order(std::memory_order_consume) == __ATOMIC_CONSUME);
  STATIC_REQUIRE(builtin_memory_order(std::memory_order_acquire) == __ATOMIC_ACQUIRE);
  STATIC_REQUIRE(builtin_memory_order(std::memory_order_release) == __ATOMIC_RELEASE);
  STATIC_REQUIRE(builtin_memory_order(std::memory_order_acq_rel) == __ATOMIC_ACQ_REL);
  STATIC_REQUIRE(builtin_memory_order(std::memory_order_seq_cst) == __ATOMIC_SEQ_CST);
  // A failed CAS stores nothing, so its order has no release part.
  STATIC_REQUIRE(builtin_failure_order(std::memory_order_release) == __ATOMIC_RELAXED);
  STATIC_REQUIRE(builtin_failure_order(std::memory_order_acq_rel) == __ATOMIC_ACQUIRE);
  STATIC_REQUIRE(builtin_failure_order(std::memory_order_seq_cst) == __ATOMIC_SEQ_CST);
}
