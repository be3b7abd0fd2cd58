// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mixed::MAILBOX_MIXED_SIDE (futex_side or portable_side): see sides.hpp.
#include "sides.hpp"

#include <mailbox/mailbox.hpp>

#include <atomic>
#include <new>
#include <thread>

#if !defined(MAILBOX_MIXED_SIDE)
#error "compile with -DMAILBOX_MIXED_SIDE=futex_side or portable_side"
#endif

namespace mixed::MAILBOX_MIXED_SIDE {

namespace {

enum class Turn : std::uint32_t { ping, pong };
using Blocking = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"value", std::uint64_t>,
                                 mailbox::blocking_waiters>;
static_assert(Blocking::size <= stats_offset);

mailbox::wait_stats& stats_in(std::span<std::byte> region) {
  return *std::launder(reinterpret_cast<mailbox::wait_stats*>(region.data() + stats_offset));
}

// The raw state word, mark included, as a peer of either build sees it.
std::uint32_t raw_word(std::span<std::byte> region) {
  auto& word = *std::launder(reinterpret_cast<std::uint32_t*>(region.data() + Blocking::state_offset));
  return mailbox::detail::atomic_ref<std::uint32_t>(word).load(std::memory_order_acquire);
}

}  // namespace

void initialize(std::span<std::byte> region) {
  (void)mailbox::Mailbox<Blocking>::initialize(region, Turn::ping);
  new (region.data() + stats_offset) mailbox::wait_stats{};
}

wait_report wait_for_pong(std::span<std::byte> region, std::chrono::nanoseconds max_sleep,
                          std::chrono::nanoseconds patience) {
  const mailbox::Mailbox<Blocking> box(region);
  const auto until = mailbox::wait_clock::now() + patience;
  auto r = box.acquire(
      Turn::pong, mailbox::spin_then_block{.spins = 0, .stats = &stats_in(region), .max_sleep = max_sleep},
      until);
  wait_report out;
  out.before_deadline = mailbox::wait_clock::now() < until;
  out.acquired = r.has_value();
  if (r) std::move(*r).abandon();
  out.sleeps = stats_in(region).sleeps;
  out.timeouts = stats_in(region).timeouts;
  return out;
}

publish_report publish_pong_once_peer_sleeps(std::span<std::byte> region, std::chrono::nanoseconds settle) {
  const mailbox::Mailbox<Blocking> box(region);
  publish_report out;
  const auto until = mailbox::wait_clock::now() + std::chrono::seconds(30);
  // The waiter's counter is its plain field, read as it changes: a peek
  // across processes for a test, not an interface.
  auto& sleeps = stats_in(region).sleeps;
  while ((raw_word(region) & mailbox::detail::waiter_mark) == 0 &&
         mailbox::detail::atomic_ref<std::uint64_t>(sleeps).load(std::memory_order_relaxed) == 0) {
    if (mailbox::wait_clock::now() >= until) return out;
    std::this_thread::yield();
  }
  std::this_thread::sleep_for(settle);  // into the sleep itself, not only its start (not required)
  out.word_was_marked = (raw_word(region) & mailbox::detail::waiter_mark) != 0;
  auto t = box.try_acquire(Turn::ping);
  if (!t) return out;
  std::move(*t).publish(Turn::pong);
  out.published = true;
  return out;
}

}  // namespace mixed::MAILBOX_MIXED_SIDE
