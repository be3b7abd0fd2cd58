// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// No lost wake-ups: two processes hand a message back and forth through a
// blocking mailbox, each sleeping whenever the other's publish has not
// arrived yet (spin_then_block with spins = 0).
//
// Futex backend: each side publishes only once the other has marked the
// word "I sleep", so every message is a wake-up racing with FUTEX_WAIT. The
// sleeps are not capped (max_sleep is longer than the test) and neither side
// has a liveness check, so a sleeper wakes only for a publish or its
// deadline: a lost wake-up shows as a timeout (or a FUTEX_WAIT that ended by
// its timeout) and fails the test.
//
// Portable backend: nothing wakes a sleeper; it looks at the word after
// each sleep. Each side publishes only once the other has slept at least
// once in its current wait (its wait_stats, kept in the shared mapping, say
// so), so every message lands while its receiver sleeps: a sleeper that did
// not look again after its sleeps would time out.
#include <mailbox/mailbox.hpp>

#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <new>
#include <span>

#include "support/catch.hpp"
#include "support/pingpong.hpp"
#include "support/shared_region.hpp"

using namespace std::chrono_literals;

namespace {

enum class Turn : std::uint32_t { ping, pong };
constexpr std::size_t words = 8;
using Blocking =
    mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"sequence", std::uint64_t>,
                    mailbox::field<"words", std::uint64_t[words]>, mailbox::field<"sleeps", std::uint64_t>,
                    mailbox::field<"timeouts", std::uint64_t>, mailbox::field<"mismatches", std::uint64_t>,
                    mailbox::field<"sender_sleeps", std::uint64_t>, mailbox::blocking_waiters>;
using Box = mailbox::Mailbox<Blocking>;

// Long enough never to pass on a loaded machine unless a wake-up was lost.
constexpr auto per_message = 20s;

constexpr bool futex = mailbox::compiled_wait_backend == mailbox::wait_backend::futex;

// Each side's counters, in the shared mapping after the mailbox, so that the
// other side can see when it sleeps (the portable backend sets no mark).
struct shared_stats {
  mailbox::wait_stats side[2];
};
constexpr std::size_t stats_offset = (Blocking::size + 63) / 64 * 64;

shared_stats& stats_in(std::span<std::byte> region) {
  return *std::launder(reinterpret_cast<shared_stats*>(region.data() + stats_offset));
}

struct side_result {
  std::uint64_t mismatches = 0;
  std::uint64_t failed_waits = 0;
};

// Spins until `asleep()` says the peer sleeps in its current wait, yielding
// on a loaded 2-core machine so that the peer gets a CPU to get there.
template <class Asleep>
bool wait_until(Asleep asleep, mailbox::deadline until) {
  std::uint32_t polls = 0;
  while (!asleep()) {
    if (++polls % 64 == 0) {
      if (mailbox::wait_clock::now() >= until) return false;
      ::sched_yield();
    }
    mailbox::arch::cpu_relax();
  }
  return true;
}

// Whether the peer sleeps in the wait it started after publishing to us.
// Futex: it has marked the state word (it is entering, or is in,
// FUTEX_WAIT). Portable: its sleep count has passed the one it sent with its
// publish. Both peek through the region, as a peer would: the mailbox hands
// out no bytes. The count is the peer's plain counter, read as it changes.
bool peer_sleeps(std::span<std::byte> region, int peer, std::uint64_t peer_sleeps_when_it_published) {
  if constexpr (futex) {
    auto& word = *std::launder(reinterpret_cast<std::uint32_t*>(region.data() + Blocking::state_offset));
    return (mailbox::detail::atomic_ref<std::uint32_t>(word).load(std::memory_order_relaxed) &
            mailbox::detail::waiter_mark) != 0;
  } else {
    return mailbox::detail::atomic_ref<std::uint64_t>(stats_in(region).side[peer].sleeps)
               .load(std::memory_order_relaxed) > peer_sleeps_when_it_published;
  }
}

// Waits for `mine`, checks the payload carries the round number, writes it
// back, and publishes once the peer is asleep.
side_result run_side(std::span<std::byte> region, int me, Turn mine, Turn theirs, std::uint64_t rounds) {
  const Box box(region);
  const bool first = me == 0;
  mailbox::wait_stats& stats = stats_in(region).side[me];
  side_result out;
  // No cap on the futex sleeps: a sleep that ended by its timeout is a
  // lost wake-up. The portable backend's sleeps keep their default cap.
  mailbox::spin_then_block policy{.spins = 0, .stats = &stats};
  if constexpr (futex) policy.max_sleep = per_message;
  for (std::uint64_t n = 1; n <= rounds; ++n) {
    auto r = box.acquire(mine, policy, mailbox::wait_clock::now() + per_message);
    if (!r) {
      ++out.failed_waits;
      return out;
    }
    const std::uint64_t expect = first ? n - 1 : n;
    if (!(first && n == 1)) {
      if (r->get<"sequence">() != expect) ++out.mismatches;
      for (const std::uint64_t w : r->span<"words">()) out.mismatches += w != expect ? 1 : 0;
    }
    const std::uint64_t next = n;
    r->set<"sequence">(next);
    for (std::uint64_t& w : r->span<"words">()) w = next;
    const std::uint64_t peer_sleeps_then = r->get<"sender_sleeps">();
    r->set<"sender_sleeps">(stats.sleeps);
    if (!wait_until([&] { return peer_sleeps(region, 1 - me, peer_sleeps_then); },
                    mailbox::wait_clock::now() + per_message)) {
      ++out.failed_waits;
      return out;
    }
    std::move(*r).publish(theirs);
  }
  return out;
}

}  // namespace

TEST_CASE("a sleeping waiter in another process never loses a wake-up", "[futex][fork][stress]") {
  // Round trips; each is two messages, each message a wake-up. A portable
  // sleeper sleeps tens of microseconds per message at least, so it makes
  // fewer.
  const std::uint64_t rounds = test_support::handoffs(500'000) / (futex ? 1 : 100);
  auto segment = mailbox::shared_segment::anonymous(stats_offset + sizeof(shared_stats), {.prefault = true});
  auto box = Box::initialize(segment.bytes(), Turn::ping);
  new (segment.bytes().data() + stats_offset) shared_stats{};
  INFO("wait backend: " << mailbox::wait_backend_name);

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const side_result pong = run_side(segment.bytes(), 1, Turn::pong, Turn::ping, rounds);
    // Reports through the mailbox once the parent has seen the last pong.
    auto r = box.acquire(Turn::pong, mailbox::spin_then_block{}, mailbox::wait_clock::now() + per_message);
    if (!r) ::_exit(2);
    r->set<"mismatches">(pong.mismatches);
    std::move(*r).publish(Turn::ping);
    ::_exit(pong.failed_waits == 0 ? 0 : 1);
  }
  const auto started = mailbox::wait_clock::now();
  const side_result ping = run_side(segment.bytes(), 0, Turn::ping, Turn::pong, rounds);
  REQUIRE(ping.failed_waits == 0);
  // The last pong: check it, then ask for the child's figures. The child
  // publishes the last pong once this wait has slept, so it counts.
  const mailbox::spin_then_block counted{.stats = &stats_in(segment.bytes()).side[0]};
  auto last = box.acquire(Turn::ping, counted, mailbox::wait_clock::now() + per_message);
  REQUIRE(last);
  CHECK(last->get<"sequence">() == rounds);
  std::move(*last).publish(Turn::pong);
  auto report = box.acquire(Turn::ping, counted, mailbox::wait_clock::now() + per_message);
  REQUIRE(report);
  const double seconds = std::chrono::duration<double>(mailbox::wait_clock::now() - started).count();
  CHECK(test_support::wait_for(child) == 0);

  const std::uint64_t messages = 2 * rounds;
  const mailbox::wait_stats& parent = stats_in(segment.bytes()).side[0];
  const mailbox::wait_stats& child_stats = stats_in(segment.bytes()).side[1];
  std::printf(
      "%s stress: %llu messages in %.1f s; sleeps: parent %llu, child %llu; timeouts: parent %llu, "
      "child %llu\n",
      futex ? "futex" : "portable", static_cast<unsigned long long>(messages), seconds,
      static_cast<unsigned long long>(parent.sleeps), static_cast<unsigned long long>(child_stats.sleeps),
      static_cast<unsigned long long>(parent.timeouts),
      static_cast<unsigned long long>(child_stats.timeouts));
  CHECK(ping.mismatches == 0);
  CHECK(report->get<"mismatches">() == 0);
  if constexpr (futex) {
    CHECK(parent.timeouts == 0);
    CHECK(child_stats.timeouts == 0);
  } else {
    // Every portable sleep ends by its time.
    CHECK(parent.timeouts == parent.sleeps);
    CHECK(child_stats.timeouts == child_stats.sleeps);
  }
  // Every message found its receiver asleep, so each side slept at least
  // once per message it received.
  CHECK(parent.sleeps >= rounds - 1);  // its first round needs no wait
  CHECK(child_stats.sleeps >= rounds);
}
