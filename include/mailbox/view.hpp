// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::Mailbox<Layout>: a typed view over a block of memory holding a
// payload and one state word, where the payload is reachable only through a
// token that an acquire-load produced and a release-store consumes.
#pragma once

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "arch.hpp"
#include "layout.hpp"
#include "state_word.hpp"
#include "token.hpp"
#include "transition.hpp"
#include "wait.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// A memory region that cannot hold the layout: too small or misaligned.
class region_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The state word holds a value the layout does not declare (a broken or
// hostile peer wrote it); raw_value() is its bit pattern.
class state_error : public std::runtime_error {
 public:
  state_error(const std::string& what, std::uint64_t raw) : std::runtime_error(what), raw_(raw) {}
  [[nodiscard]] std::uint64_t raw_value() const noexcept { return raw_; }

 private:
  std::uint64_t raw_;
};

// A mailbox::flag<...> of the layout: an atomic word outside the token
// discipline (Mailbox::raise, is_raised, clear).
template <class Layout, fixed_string Name>
concept names_a_flag = Layout::template is_flag<Name>;

// A mailbox::record<...> of the layout: a committed record outside the
// token discipline (Mailbox::write_record, read_record, clear_record).
template <class Layout, fixed_string Name>
concept names_a_record = Layout::template is_record<Name>;

template <valid_layout Layout>
class Mailbox {
 public:
  using layout_type = Layout;
  using state_type = typename Layout::state_type;

  // Minimum size and alignment of a region that can hold the layout.
  static constexpr std::size_t required_size = Layout::size;
  static constexpr std::size_t required_alignment = Layout::alignment;

  // Exclusive access to the payload (token.hpp).
  using token = mailbox::token<Layout>;

  // Views an existing region; writes nothing. Throws region_error when the
  // region is too small or misaligned for the layout.
  // In device code a bad region traps with the same message.
  MAILBOX_HOST_DEVICE explicit Mailbox(std::span<std::byte> region) : base_(checked_region(region)) {}

  // Prepares a fresh region: zeroes every byte of the layout, then
  // release-stores the first state. Nobody else may use the region meanwhile.
  // The first state passes the checks publish() makes, with the same
  // outcome: a value with the sleeping-waiter mark (blocking_waiters) or one
  // outside the layout's valid_states aborts with a message, before any byte
  // of the region is written.
  //
  // Kept out of line: it runs once, and when GCC 12 inlines its memset and
  // store into the caller, it may keep the returned view's base in two
  // registers, so the caller's state() and publish() address the state word
  // through different registers. AMD Zen forwards a store to a later load
  // without latency only when both use the same base register and offset;
  // bench_uncontended's acquire+publish loop ran 3x slower than hand-written
  // code because of it.
  [[nodiscard, gnu::noinline]] static Mailbox initialize(std::span<std::byte> region, state_type first) {
    Mailbox box(region);
    detail::check_storable_state<Layout>(first, "initialize()");
    std::memset(box.base_, 0, Layout::size);
    detail::store_state_release<state_type>(box.base_ + Layout::state_offset, first);
    return box;
  }

  // Where the viewed region starts: for telling views apart and for tests.
  // Read-only and untyped on purpose: there is no way to the bytes that does
  // not go through the state word's accesses or a token.
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE const void* address() const noexcept { return base_; }

  // Acquire-load of the state word. Pairs with the release-store of the
  // publish() that wrote this value. In a layout with blocking_waiters the
  // sleeping-waiter mark is not part of the state and is stripped.
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE state_type state() const noexcept {
#if defined(__CUDA_ARCH__)
    return cuda::detail::load_state<Layout>(base_);  // ld.acquire at the layout's scope
#else
    if constexpr (Layout::has_blocking_waiters) {
      return std::bit_cast<state_type>(raw_word() & ~detail::waiter_mark);
    } else {
      return detail::load_state_acquire<state_type>(base_ + Layout::state_offset);
    }
#endif
  }

  // The state if it is one the layout declares (mailbox::valid_states),
  // nothing if the other side stored any other bit pattern. Every value is
  // valid in a layout that declares no list.
  [[nodiscard]] MAILBOX_HOST_DEVICE std::optional<state_type> valid_state() const noexcept {
    const state_type s = state();
    if (!Layout::is_valid_state(s)) return std::nullopt;
    return s;
  }

  // The state; throws state_error, naming the raw value, if the layout does
  // not declare it.
  [[nodiscard]] state_type checked_state() const {
    const state_type s = state();
    if (!Layout::is_valid_state(s)) {
      const auto raw = static_cast<std::uint64_t>(std::bit_cast<detail::word_for<state_type>>(s));
      throw state_error("mailbox::Mailbox: the state word holds " + std::to_string(raw) +
                            ", which is not one of the layout's valid_states",
                        raw);
    }
    return s;
  }

  // A token if the state is `expected` now, otherwise nothing.
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE std::optional<token> try_acquire(
      state_type expected) const noexcept {
    if (state() != expected) return std::nullopt;
    return token(base_);
  }

  // Waits, spinning politely, until the state is `expected`, then returns a
  // token.
  [[nodiscard]] MAILBOX_HOST_DEVICE token acquire(state_type expected) const noexcept {
#if defined(__CUDA_ARCH__)
    while (state() != expected) {
    }
#else
    while (state() != expected) arch::cpu_relax();
#endif
    return token(base_);
  }

  // The result of a wait: a token and the state it was acquired in, or why
  // there is none.
  using wait_result = acquire_result<token, state_type>;

  // Waits for `expected` with a policy (spin, spin_then_yield,
  // spin_then_block), until a deadline, while `alive()` says the peer lives
  // (checked every policy.liveness_interval). Gives a token, or why there is
  // none: wait_error::timed_out (never later than the deadline plus one
  // poll), peer_gone, invalid_state (a value outside the layout's
  // valid_states), or futex_failed (the kernel refused FUTEX_WAIT; futex
  // backend only).
  template <wait_policy Policy, liveness_check Liveness = always_alive>
  [[nodiscard]] wait_result acquire(state_type expected, Policy policy, deadline until = no_deadline,
                                    Liveness alive = {}) const {
    return wait_until([expected](state_type s) { return s == expected; }, policy, until, alive);
  }

  // The same for whichever of several states comes first ("done or failed");
  // the result's state() says which.
  template <wait_policy Policy, liveness_check Liveness = always_alive>
  [[nodiscard]] wait_result acquire_any(std::initializer_list<state_type> wanted, Policy policy,
                                        deadline until = no_deadline, Liveness alive = {}) const {
    return wait_until(
        [wanted](state_type s) {
          for (const state_type& w : wanted) {
            if (w == s) return true;
          }
          return false;
        },
        policy, until, alive);
  }

  // --- Protocols: compare-and-transition, flags, waits with the caller's valid states ---

  // Moves the state from `from` to `to` if it is `from` now, in one
  // compare-and-swap; the result converts to true if this call moved it, and
  // its found() is the state the word held (`from`, or the one this call
  // lost to). For a state that two parties may leave (a protocol's state
  // with several owners): exactly one of their try_transition() calls
  // succeeds. No token is involved: the payload is not handed over by this
  // call, only ordered by it. Unchecked against any protocol: that is
  // endpoint::try_transition<From, To>().
  //
  // acq_rel on success: pairs as an acquire with the release (publish or
  // try_transition) that stored `from`, and as a release with whoever
  // acquires `to`. acquire on failure: the caller may act on the state it
  // lost to. One LOCK CMPXCHG on x86-64, one CASAL (or one LDAXR/STLXR loop
  // without LSE) on AArch64, std::atomic_ref elsewhere.
  //
  // `to` must pass the checks publish() makes, with a message naming
  // try_transition(): a value with the sleeping-waiter mark
  // (blocking_waiters) or one outside the layout's valid_states aborts,
  // before the word is touched. Both checks fold away for a constant `to`
  // that passes them.
  //
  // With blocking_waiters the word may carry a sleeper's mark: the CAS
  // succeeds with or without it, and wakes the sleepers when it replaced a
  // marked word (the same argument as publish(): both RMWs are on one word).
  // A `from` using the mark bit is a state the word never holds, so the
  // call returns false (found() is then `from` without the mark).
  [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE transition_result<state_type> try_transition(
      state_type from, state_type to) const noexcept {
#if defined(__CUDA_ARCH__)
    state_type found = from;
    const bool moved = cuda::detail::transition_state<Layout>(base_, found, to);  // atom.acq_rel.cas
    return {moved, found};
#else
    using word = detail::word_for<state_type>;
    detail::check_storable_state<Layout>(to, "try_transition()");
    word& state_word = *std::launder(reinterpret_cast<word*>(base_ + Layout::state_offset));
    word expected = std::bit_cast<word>(from);
    const word desired = std::bit_cast<word>(to);
    if constexpr (Layout::has_blocking_waiters) {
      if (expected & detail::waiter_mark) {
        return {false, std::bit_cast<state_type>(static_cast<word>(expected & ~detail::waiter_mark))};
      }
      const word unmarked = expected;
      // Without a mark the first CAS succeeds. With one it fails and
      // reports the marked word; the second attempt replaces that, unless
      // the state moved on meanwhile.
      while (!arch::compare_exchange(state_word, expected, desired)) {
        if ((expected & ~detail::waiter_mark) != unmarked) {
          return {false, std::bit_cast<state_type>(static_cast<word>(expected & ~detail::waiter_mark))};
        }
      }
      if (expected & detail::waiter_mark) [[unlikely]]
        detail::wake_word_sleepers(&state_word);
      return {true, from};
    } else {
      const bool moved = arch::compare_exchange(state_word, expected, desired);
      return {moved, std::bit_cast<state_type>(expected)};
    }
#endif
  }

  // Flags (mailbox::flag<"name", T>): atomic words outside the token
  // discipline, for facts that must survive the state word moving on (a
  // shutdown request, an acknowledgement). Either side may call these at any
  // time; a flag carries no payload with it beyond what its release orders.
  //
  // raise() release-stores 1, so every write made before it is visible to a
  // caller whose is_raised() (an acquire-load) sees the flag raised; clear()
  // release-stores 0. is_raised() tests the word for non-zero, so a flag
  // another language sets to any non-zero value counts as raised.
  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_a_flag<Layout, Name>) [[gnu::always_inline]] MAILBOX_HOST_DEVICE
      void raise() const noexcept {
    store_flag<Name>(1);
  }

  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_a_flag<Layout, Name>) [[gnu::always_inline]] MAILBOX_HOST_DEVICE
      void clear() const noexcept {
    store_flag<Name>(0);
  }

  template <fixed_string Name>
  requires(Layout::template has<Name>&& names_a_flag<Layout, Name>)
      [[nodiscard, gnu::always_inline]] MAILBOX_HOST_DEVICE bool is_raised() const noexcept {
    using word = detail::word_for<typename Layout::template type_of<Name>>;
    // Pairs with the release-store of raise() or clear().
#if defined(__CUDA_ARCH__)
    return cuda::detail::load_flag<Layout, word>(base_ + Layout::template offset_of<Name>) != 0;
#else
    return arch::load_acquire(
               *std::launder(reinterpret_cast<const word*>(base_ + Layout::template offset_of<Name>))) != 0;
#endif
  }

  // The same of a name that is not a flag: deleted, with the message (the
  // name and the closest flag) in Unknown, which the compiler prints.
  template <fixed_string Name, class Unknown = detail::unknown_flag_t<Layout, Name>>
  requires(!Layout::template is_flag<Name>) MAILBOX_HOST_DEVICE
      void raise() const = delete;  // no such flag: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_flag_t<Layout, Name>>
  requires(!Layout::template is_flag<Name>) MAILBOX_HOST_DEVICE
      void clear() const = delete;  // no such flag: see Unknown

  template <fixed_string Name, class Unknown = detail::unknown_flag_t<Layout, Name>>
  requires(!Layout::template is_flag<Name>) MAILBOX_HOST_DEVICE
      bool is_raised() const = delete;  // no such flag: see Unknown

  // The checked wait of acquire(expected, policy, ...) for any set of
  // states: waits until accept(state) holds, reporting wait_error::
  // invalid_state for a state for which is_valid(state) is false (a
  // protocol passes its own states). For wrappers such as mailbox::endpoint.
  template <class Accept, class IsValid, wait_policy Policy, liveness_check Liveness = always_alive>
  [[nodiscard]] wait_result acquire_when(Accept accept, IsValid is_valid, Policy policy,
                                         deadline until = no_deadline, Liveness alive = {}) const {
    static_assert(!std::is_same_v<Policy, spin_then_block> || Layout::has_blocking_waiters,
                  "mailbox: spin_then_block needs a layout that declares mailbox::blocking_waiters, "
                  "or publish() would not wake the sleeper");
    // Pure spinning looks at the clock only between bursts of loads, the
    // first burst included: a state that comes soon costs no clock read.
    std::uint32_t spins = detail::spins_between_clock_reads;
    sleep_plan plan;
    if constexpr (!std::is_same_v<Policy, spin>) spins = policy.spins;
    if constexpr (std::is_same_v<Policy, spin_then_block>) {
      plan.stats = policy.stats;
      plan.max_sleep = policy.max_sleep;
    }
    state_type seen{};
    const auto failed = detail::wait_for_state<detail::between_polls_of<Policy>>(
        accept, seen, spins, until, alive, [this] { return state(); }, is_valid,
        [this, &accept, &plan](std::chrono::nanoseconds timeout) { return block_on(accept, timeout, plan); },
        policy.liveness_interval);
    if (failed) return wait_result(*failed, seen);
    return wait_result(token(base_), seen);
  }

  // Committed records (mailbox::record<"name", T>): a second ordered
  // hand-off in the mailbox, for a writer that may die mid-write. Either side
  // may call these at any time, without a token; one writer at a time
  // (record.hpp has the protocol). The generation tells successive writers
  // apart: a reader names the one it expects, and a record of any other
  // generation reads as unknown.
  template <fixed_string Name>
  requires names_a_record<Layout, Name>
  void write_record(std::uint32_t generation,
                    const typename Layout::template type_of<Name>::body_type& value) const noexcept {
    using body = typename Layout::template type_of<Name>::body_type;
    detail::write_record_words(base_ + Layout::template offset_of<Name>, detail::record_schema<body>,
                               generation, value);
  }

  // The record's value if a whole write of `generation` is committed;
  // otherwise why not (record_status): never a torn value.
  template <fixed_string Name>
  requires names_a_record<Layout, Name>
  [[nodiscard]] auto read_record(std::uint32_t generation) const noexcept {
    using body = typename Layout::template type_of<Name>::body_type;
    return detail::read_record_words<body>(base_ + Layout::template offset_of<Name>,
                                           detail::record_schema<body>, generation);
  }

  // Marks the record empty (a reader then finds record_status::empty).
  template <fixed_string Name>
  requires names_a_record<Layout, Name>
  void clear_record() const noexcept { clear_record_bytes(base_ + Layout::template offset_of<Name>); }

 private:
  template <fixed_string Name>
  [[gnu::always_inline]] MAILBOX_HOST_DEVICE void store_flag(std::uint32_t value) const noexcept {
    using word = detail::word_for<typename Layout::template type_of<Name>>;
    // Pairs with the acquire-load of is_raised().
#if defined(__CUDA_ARCH__)
    cuda::detail::store_flag<Layout, word>(base_ + Layout::template offset_of<Name>, word{value});
#else
    arch::store_release(*std::launder(reinterpret_cast<word*>(base_ + Layout::template offset_of<Name>)),
                        word{value});
#endif
  }

 public:
  // --- end of Protocols ---

 private:
  template <class Accept, class Policy, class Liveness>
  [[nodiscard]] wait_result wait_until(Accept accept, Policy policy, deadline until, Liveness& alive) const {
    return acquire_when(
        accept, [](state_type v) { return Layout::is_valid_state(v); }, policy, until, alive);
  }

  // The state word with the sleeping-waiter mark, as one acquire-load.
  [[nodiscard]] std::uint32_t raw_word() const noexcept requires(sizeof(state_type) == 4) {
    return detail::load_state_acquire<std::uint32_t>(base_ + Layout::state_offset);
  }

  // What one wait's blocking steps share: the policy's options and, on the
  // portable backend, where its backoff has got to.
  struct sleep_plan {
    wait_stats* stats = nullptr;
    std::chrono::nanoseconds max_sleep = mailbox::max_sleep;
    detail::backoff schedule;
  };

  // One blocking step of spin_then_block, at most `timeout` (the time to the
  // deadline or the next liveness check) and at most plan.max_sleep long.
  //
  // Futex backend: mark the word "a waiter sleeps", then sleep in FUTEX_WAIT
  // while it still holds that marked value. The CAS that sets the mark pairs
  // with the exchange in publish() (detail::publish_blocking_state): one of
  // the two RMWs on the word comes first. If publish came first, the CAS
  // fails (the word changed) and we return to re-read the state. If the CAS
  // came first, publish's exchange sees the mark and calls FUTEX_WAKE;
  // FUTEX_WAIT compares the word with the marked value atomically with
  // respect to that wake, so whether it runs before or after the exchange,
  // it either returns at once or is woken. Relaxed is enough for the CAS:
  // the token's acquire comes from the acquire-load that sees `expected`
  // when the caller looks again. A peer that stores the word without
  // FUTEX_WAKE (built with the portable backend) is seen when the sleep's
  // cap, max_sleep, ends it.
  //
  // Portable backend: no mark (nothing could wake a sleeper); yield or sleep
  // as the backoff says, then return to look at the word again.
  //
  // Returns 0, or the errno of a FUTEX_WAIT the kernel refused (the wait
  // then ends with wait_error::futex_failed instead of a busy loop).
  template <class Accept>
  int block_on(const Accept& accept, std::chrono::nanoseconds timeout, sleep_plan& plan) const noexcept {
    if constexpr (Layout::has_blocking_waiters) {
      auto* word = std::launder(reinterpret_cast<std::uint32_t*>(base_ + Layout::state_offset));
      std::uint32_t seen = raw_word();
      if (accept(std::bit_cast<state_type>(seen & ~detail::waiter_mark))) return 0;
      const std::chrono::nanoseconds step = detail::sleeper_marks_word
                                                ? std::min(timeout, plan.max_sleep)
                                                : plan.schedule.next(plan.max_sleep, timeout);
      if (step.count() <= 0) {
        detail::yield_cpu();
        return 0;
      }
      if constexpr (detail::sleeper_marks_word) {
        if (!(seen & detail::waiter_mark)) {
          const std::uint32_t marked = seen | detail::waiter_mark;
          if (!detail::atomic_ref<std::uint32_t>(*word).compare_exchange_strong(seen, marked,
                                                                                std::memory_order_relaxed)) {
            return 0;  // the word changed: look at it again
          }
          seen = marked;
        }
      }
      const int result = detail::sleep_on_word(word, seen, step);
      const int refused = result == ETIMEDOUT ? 0 : result;
      if (plan.stats != nullptr) {
        ++plan.stats->sleeps;
        plan.stats->timeouts += result == ETIMEDOUT ? 1 : 0;
        if (refused != 0) plan.stats->futex_errno = refused;
      }
      return refused;
    } else {
      (void)accept;
      (void)timeout;
      (void)plan;
      return 0;
    }
  }

  MAILBOX_HOST_DEVICE static std::byte* checked_region(std::span<std::byte> region) {
#if defined(__CUDA_ARCH__)
    cuda::detail::check_region<Layout>("mailbox::Mailbox", region.data(), region.size(), Layout::size);
    return region.data();
#else
    if (region.size() < Layout::size) {
      throw region_error("mailbox::Mailbox: region too small for the layout: expected at least " +
                         std::to_string(Layout::size) + " bytes, got " + std::to_string(region.size()) +
                         " bytes");
    }
    const auto address = reinterpret_cast<std::uintptr_t>(region.data());
    if (address == 0 || address % Layout::alignment != 0) {
      throw region_error(
          "mailbox::Mailbox: region misaligned for the layout: expected an address aligned to " +
          std::to_string(Layout::alignment) + " bytes, got an address aligned to " +
          std::to_string(address == 0 ? 0 : std::size_t{1} << std::countr_zero(address)) + " bytes");
    }
    return region.data();
#endif
  }

  friend struct detail::token_access;
  std::byte* base_;
};

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
