// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::detail::atomic_ref<T>: std::atomic_ref where the standard library
// has it, otherwise the same operations on the compiler's __atomic builtins.
//
// libc++ gained std::atomic_ref only in LLVM 19; every Apple clang before
// Xcode 16.3 and many Android NDKs ship an older one. libstdc++ and libc++
// implement std::atomic_ref on these very builtins (GCC and Clang both provide
// them), so the fallback compiles to the same instructions; it offers only
// what the library uses: load, store, exchange, compare_exchange_strong,
// is_always_lock_free and required_alignment.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <version>

#include "../abi.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail {

// The __ATOMIC_* constant of a std::memory_order. Spelled out rather than
// cast: the standard does not give memory_order's enumerators values.
constexpr int builtin_memory_order(std::memory_order order) noexcept {
  switch (order) {
    case std::memory_order_relaxed:
      return __ATOMIC_RELAXED;
    case std::memory_order_consume:
      return __ATOMIC_CONSUME;
    case std::memory_order_acquire:
      return __ATOMIC_ACQUIRE;
    case std::memory_order_release:
      return __ATOMIC_RELEASE;
    case std::memory_order_acq_rel:
      return __ATOMIC_ACQ_REL;
    case std::memory_order_seq_cst:
    default:
      return __ATOMIC_SEQ_CST;
  }
}

// The failure order that compare_exchange_strong(expected, desired, order)
// implies ([atomics.ref.ops]): no release part, since a failed CAS stores
// nothing.
constexpr int builtin_failure_order(std::memory_order order) noexcept {
  switch (order) {
    case std::memory_order_release:
      return __ATOMIC_RELAXED;
    case std::memory_order_acq_rel:
      return __ATOMIC_ACQUIRE;
    default:
      return builtin_memory_order(order);
  }
}

// Defined everywhere, so that the tests can hold it against std::atomic_ref
// where the library has one; used only where it has not.
template <class T>
class builtin_atomic_ref {
  static_assert(std::is_trivially_copyable_v<T>, "builtin_atomic_ref<T> needs a trivially copyable T");

 public:
  using value_type = T;

  // libstdc++'s rule: a power-of-two size up to 16 bytes is aligned to its
  // size, as the lock-free instructions need; anything else keeps its natural
  // alignment (and is not lock-free).
  static constexpr std::size_t required_alignment = (sizeof(T) & (sizeof(T) - 1)) != 0 || sizeof(T) > 16
                                                        ? alignof(T)
                                                        : sizeof(T);

  // The second argument 0 means "assume the typical alignment for the size",
  // which required_alignment guarantees.
  static constexpr bool is_always_lock_free = __atomic_always_lock_free(sizeof(T), 0);

  explicit builtin_atomic_ref(T& object) noexcept : object_(std::addressof(object)) {}
  builtin_atomic_ref(const builtin_atomic_ref&) noexcept = default;
  builtin_atomic_ref& operator=(const builtin_atomic_ref&) = delete;

  [[gnu::always_inline]] T load(std::memory_order order = std::memory_order_seq_cst) const noexcept {
    alignas(T) unsigned char buffer[sizeof(T)];
    auto* result = reinterpret_cast<T*>(buffer);
    __atomic_load(object_, result, builtin_memory_order(order));
    return *result;
  }

  [[gnu::always_inline]] void store(T desired,
                                    std::memory_order order = std::memory_order_seq_cst) const noexcept {
    __atomic_store(object_, std::addressof(desired), builtin_memory_order(order));
  }

  [[gnu::always_inline]] T exchange(T desired,
                                    std::memory_order order = std::memory_order_seq_cst) const noexcept {
    alignas(T) unsigned char buffer[sizeof(T)];
    auto* result = reinterpret_cast<T*>(buffer);
    __atomic_exchange(object_, std::addressof(desired), result, builtin_memory_order(order));
    return *result;
  }

  [[gnu::always_inline]] bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                                                      std::memory_order failure) const noexcept {
    return __atomic_compare_exchange(object_, std::addressof(expected), std::addressof(desired), false,
                                     builtin_memory_order(success), builtin_memory_order(failure));
  }

  [[gnu::always_inline]] bool compare_exchange_strong(
      T& expected, T desired, std::memory_order order = std::memory_order_seq_cst) const noexcept {
    return __atomic_compare_exchange(object_, std::addressof(expected), std::addressof(desired), false,
                                     builtin_memory_order(order), builtin_failure_order(order));
  }

 private:
  T* object_;
};

#if defined(__cpp_lib_atomic_ref)
template <class T>
using atomic_ref = std::atomic_ref<T>;
#else
template <class T>
using atomic_ref = builtin_atomic_ref<T>;
#endif

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail
