// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Mailbox::try_transition: one compare-and-swap on the state word, for a
// state that two parties may leave; with blocking_waiters it must move a word
// that carries a sleeper's mark, and wake the sleeper.
#include <mailbox/mailbox.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>

#include "support/catch.hpp"
#include "support/child_process.hpp"
#include "support/shared_region.hpp"

using namespace std::chrono_literals;

namespace {

enum class Step : std::uint32_t { staged, activate, failed, idle };
using Plain = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"value", std::uint64_t>>;
using Blocking = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"value", std::uint64_t>,
                                 mailbox::blocking_waiters>;
using Wide = mailbox::layout<mailbox::state<"state", std::uint64_t>, mailbox::field<"value", std::uint64_t>>;
using Listed = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"value", std::uint64_t>,
                               mailbox::valid_states<Step::staged, Step::activate, Step::failed>>;

// The state word's raw bits, mark included.
template <class Layout>
std::uint32_t raw_word(const mailbox::Mailbox<Layout>& box) {
  auto* word = reinterpret_cast<std::uint32_t*>(static_cast<std::byte*>(const_cast<void*>(box.address())) +
                                                Layout::state_offset);
  return mailbox::detail::atomic_ref<std::uint32_t>(*word).load(std::memory_order_acquire);
}

template <class Layout>
void check_moves_only_from(mailbox::Mailbox<Layout> box) {
  const auto not_there = box.try_transition(Step::activate, Step::failed);  // not in activate: nothing moves
  CHECK_FALSE(not_there);
  CHECK(not_there.found() == Step::staged);
  CHECK(box.state() == Step::staged);
  const auto moved = box.try_transition(Step::staged, Step::activate);
  CHECK(moved);
  CHECK(moved.moved());
  CHECK(moved.found() == Step::staged);
  CHECK(box.state() == Step::activate);
  const auto lost = box.try_transition(Step::staged, Step::failed);  // the other party lost
  CHECK_FALSE(lost.moved());
  CHECK(lost.found() == Step::activate);  // ... to this state
  CHECK(box.state() == Step::activate);
}

}  // namespace

TEST_CASE("try_transition moves the state only from the expected one", "[transition]") {
  SECTION("plain layout") {
    test_support::local_region<Plain> region;
    check_moves_only_from(mailbox::Mailbox<Plain>::initialize(region.span(), Step::staged));
  }
  SECTION("blocking layout") {
    test_support::local_region<Blocking> region;
    check_moves_only_from(mailbox::Mailbox<Blocking>::initialize(region.span(), Step::staged));
  }
  SECTION("layout with valid_states") {
    test_support::local_region<Listed> region;
    check_moves_only_from(mailbox::Mailbox<Listed>::initialize(region.span(), Step::staged));
  }
  SECTION("8-byte state word") {
    test_support::local_region<Wide> region;
    auto box = mailbox::Mailbox<Wide>::initialize(region.span(), 0x1'0000'0000ull);
    const auto low_half = box.try_transition(0, 1);  // only the low half matches
    CHECK_FALSE(low_half);
    CHECK(low_half.found() == 0x1'0000'0000ull);
    CHECK(box.try_transition(0x1'0000'0000ull, 0x2'0000'0001ull));
    CHECK(box.state() == 0x2'0000'0001ull);
  }
}

TEST_CASE("try_transition orders like a publish: the payload before it is seen after it", "[transition]") {
  test_support::local_region<Plain> region;
  auto box = mailbox::Mailbox<Plain>::initialize(region.span(), Step::idle);
  constexpr std::uint64_t rounds = 20000;
  std::thread other([box] {
    for (std::uint64_t i = 1; i <= rounds; ++i) {
      auto t = box.acquire(Step::staged);
      REQUIRE(t.get<"value">() == i);
      std::move(t).publish(Step::failed);  // hands the box back through a state the CAS leaves
    }
  });
  for (std::uint64_t i = 1; i <= rounds; ++i) {
    auto t = box.acquire(Step::idle);
    t.set<"value">(i);
    std::move(t).publish(Step::staged);
    while (!box.try_transition(Step::failed, Step::idle)) mailbox::arch::cpu_relax();
  }
  other.join();
  CHECK(box.state() == Step::idle);
}

TEST_CASE("two parties leave a state by try_transition: exactly one wins each round", "[transition]") {
  test_support::local_region<Plain> region;
  auto box = mailbox::Mailbox<Plain>::initialize(region.span(), Step::idle);
  constexpr int rounds = 20000;
  std::atomic<int> round{0};
  int child_wins = 0;
  int parent_wins = 0;
  std::thread child([&] {
    for (int r = 1; r <= rounds; ++r) {
      while (round.load(std::memory_order_acquire) < r) mailbox::arch::cpu_relax();
      if (box.try_transition(Step::staged, Step::failed)) ++child_wins;
    }
  });
  for (int r = 1; r <= rounds; ++r) {
    auto t = box.acquire(Step::idle);
    std::move(t).publish(Step::staged);
    round.store(r, std::memory_order_release);
    if (box.try_transition(Step::staged, Step::activate)) ++parent_wins;
    // Whoever won, the round ends in the winner's state; hand it back.
    while (box.state() == Step::staged) mailbox::arch::cpu_relax();
    const Step won = box.state();
    REQUIRE((won == Step::activate || won == Step::failed));
    REQUIRE(box.try_transition(won, Step::idle));
  }
  child.join();
  CHECK(child_wins + parent_wins == rounds);
  WARN("parent won " << parent_wins << " rounds, child " << child_wins);
}

TEST_CASE("try_transition with blocking_waiters moves a marked word and wakes the sleeper",
          "[transition][blocking]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Step::staged);
  mailbox::wait_stats stats;
  std::atomic<bool> got{false};
  std::thread sleeper([&] {
    // No liveness check: only a wake (or the far deadline) ends its sleep,
    // so a lost wake-up shows as timed_out.
    auto r = box.acquire(Step::activate, mailbox::spin_then_block{.spins = 0, .stats = &stats},
                         mailbox::wait_clock::now() + 20s);
    got.store(r.has_value(), std::memory_order_release);
  });
  constexpr bool futex = mailbox::compiled_wait_backend == mailbox::wait_backend::futex;
  if constexpr (futex) {
    // Wait until the sleeper has marked the word.
    while ((raw_word(box) & mailbox::detail::waiter_mark) == 0) std::this_thread::sleep_for(1ms);
  } else {
    // A portable sleeper sets no mark and is never woken (docs/waiting.md):
    // mark the word as a futex-built peer's sleeper would, while ours sleeps.
    std::this_thread::sleep_for(20ms);
    auto& word =
        *std::launder(reinterpret_cast<std::uint32_t*>(region.span().data() + Blocking::state_offset));
    // (A compare-and-swap loop: libc++ 14's fallback atomic_ref has no fetch_or.)
    const mailbox::detail::atomic_ref<std::uint32_t> ref(word);
    std::uint32_t seen = ref.load(std::memory_order_relaxed);
    while (
        !ref.compare_exchange_strong(seen, seen | mailbox::detail::waiter_mark, std::memory_order_relaxed)) {
    }
  }
  CHECK(box.state() == Step::staged);  // the mark is not part of the state
  const auto unmarked = box.try_transition(Step::failed, Step::activate);
  CHECK_FALSE(unmarked);
  CHECK(unmarked.found() == Step::staged);                  // without the sleeper's mark
  CHECK(box.try_transition(Step::staged, Step::activate));  // succeeds although the word is marked
  sleeper.join();
  CHECK(got.load(std::memory_order_acquire));
  CHECK(stats.timeouts == (futex ? 0 : stats.sleeps));  // a portable sleep always ends by its time
  CHECK(raw_word(box) == static_cast<std::uint32_t>(Step::activate));  // the mark went with the old word
}

TEST_CASE("try_transition to a value with the waiter mark aborts, naming try_transition()",
          "[transition][blocking]") {
  test_support::shared_mapping region(Blocking::size);
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Step::staged);
  const std::string message = test_support::abort_message_of(
      [&] { (void)box.try_transition(Step::staged, static_cast<Step>(mailbox::detail::waiter_mark | 1)); });
  CHECK(test_support::contains(message, "try_transition() of a state value with the top bit set"));
  CHECK(box.state() == Step::staged);  // refused before the word was touched
  // The twin: the same value without the mark moves the state.
  CHECK(box.try_transition(Step::staged, Step::activate));
  // A `from` with the mark is a state the word never holds.
  CHECK_FALSE(box.try_transition(static_cast<Step>(mailbox::detail::waiter_mark | 1), Step::idle));
}

TEST_CASE("try_transition to a state outside valid_states aborts, naming try_transition()",
          "[transition][valid_states]") {
  test_support::shared_mapping region(Listed::size);
  auto box = mailbox::Mailbox<Listed>::initialize(region.span(), Step::staged);
  const std::string message =
      test_support::abort_message_of([&] { (void)box.try_transition(Step::staged, Step::idle); });
  CHECK(test_support::contains(
      message, "try_transition() of the state value 3, which is not one of the layout's valid_states"));
  CHECK(box.state() == Step::staged);  // refused before the word was touched
  // The twin: a listed state moves it.
  CHECK(box.try_transition(Step::staged, Step::failed));
  CHECK(box.state() == Step::failed);
}
