// No lost wake-ups: two processes hand a message back and forth through a
// blocking mailbox, each sleeping in FUTEX_WAIT whenever the other's publish
// has not arrived yet (spins = 0).
// Each side publishes only once the other has marked the word "I sleep", so
// every message is a wake-up racing with FUTEX_WAIT. Neither side has a
// liveness check, so a sleeper wakes only for a publish or its deadline: a
// lost wake-up shows as a timeout (or a FUTEX_WAIT that ended by its
// timeout) and fails the test.
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
                    mailbox::blocking_waiters>;
using Box = mailbox::Mailbox<Blocking>;

// Long enough never to pass on a loaded machine unless a wake-up was lost.
constexpr auto per_message = 20s;

struct side_result {
  std::uint64_t mismatches = 0;
  std::uint64_t failed_waits = 0;
  mailbox::wait_stats stats;
};

// Spins until the peer has marked the state word "I sleep" (it has set the
// mark and is entering, or is in, FUTEX_WAIT), so that every publish is a
// wake-up racing with the sleeper's FUTEX_WAIT: the case a lost wake-up needs.
// It peeks at the word through the region, as a peer would: the mailbox
// hands out no bytes.
bool wait_until_peer_sleeps(std::span<std::byte> region, mailbox::deadline until) {
  auto& word = *std::launder(reinterpret_cast<std::uint32_t*>(region.data() + Blocking::state_offset));
  std::uint32_t polls = 0;
  while (!(mailbox::detail::atomic_ref<std::uint32_t>(word).load(std::memory_order_relaxed) &
           mailbox::detail::waiter_mark)) {
    // The peer needs a CPU to get there: on a loaded 2-core machine, give it ours.
    if (++polls % 64 == 0) {
      if (mailbox::wait_clock::now() >= until) return false;
      ::sched_yield();
    }
    mailbox::arch::cpu_relax();
  }
  return true;
}

// Waits for `mine`, checks the payload carries the round number, writes it
// back, and publishes once the peer is asleep.
side_result run_side(std::span<std::byte> region, Turn mine, Turn theirs, std::uint64_t rounds, bool first) {
  const Box box(region);
  side_result out;
  const mailbox::spin_then_block policy{.spins = 0, .stats = &out.stats};
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
    if (!wait_until_peer_sleeps(region, mailbox::wait_clock::now() + per_message)) {
      ++out.failed_waits;
      return out;
    }
    std::move(*r).publish(theirs);
  }
  return out;
}

}  // namespace

TEST_CASE("a futex waiter in another process never loses a wake-up", "[futex][fork][stress]") {
  // Round trips; each is two messages, each message a wake-up.
  const std::uint64_t rounds = test_support::handoffs(500'000);
  auto segment = mailbox::shared_segment::anonymous(Blocking::size, {.prefault = true});
  auto box = Box::initialize(segment.bytes(), Turn::ping);

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const side_result pong = run_side(segment.bytes(), Turn::pong, Turn::ping, rounds, false);
    // Reports through the mailbox once the parent has seen the last pong.
    auto r = box.acquire(Turn::pong, mailbox::spin_then_block{}, mailbox::wait_clock::now() + per_message);
    if (!r) ::_exit(2);
    r->set<"sleeps">(pong.stats.sleeps);
    r->set<"timeouts">(pong.stats.timeouts);
    r->set<"mismatches">(pong.mismatches);
    std::move(*r).publish(Turn::ping);
    ::_exit(pong.failed_waits == 0 ? 0 : 1);
  }
  const auto started = mailbox::wait_clock::now();
  const side_result ping = run_side(segment.bytes(), Turn::ping, Turn::pong, rounds, true);
  REQUIRE(ping.failed_waits == 0);
  // The last pong: check it, then ask for the child's figures.
  auto last = box.acquire(Turn::ping, mailbox::spin_then_block{}, mailbox::wait_clock::now() + per_message);
  REQUIRE(last);
  CHECK(last->get<"sequence">() == rounds);
  std::move(*last).publish(Turn::pong);
  auto report = box.acquire(Turn::ping, mailbox::spin_then_block{}, mailbox::wait_clock::now() + per_message);
  REQUIRE(report);
  const double seconds = std::chrono::duration<double>(mailbox::wait_clock::now() - started).count();
  CHECK(test_support::wait_for(child) == 0);

  const std::uint64_t messages = 2 * rounds;
  const std::uint64_t child_sleeps = report->get<"sleeps">();
  std::printf(
      "futex stress: %llu messages in %.1f s; FUTEX_WAIT sleeps: parent %llu, child %llu; timeouts: "
      "parent %llu, child %llu\n",
      static_cast<unsigned long long>(messages), seconds, static_cast<unsigned long long>(ping.stats.sleeps),
      static_cast<unsigned long long>(child_sleeps), static_cast<unsigned long long>(ping.stats.timeouts),
      static_cast<unsigned long long>(report->get<"timeouts">()));
  CHECK(ping.mismatches == 0);
  CHECK(report->get<"mismatches">() == 0);
  CHECK(ping.stats.timeouts == 0);
  CHECK(report->get<"timeouts">() == 0);
  // Every message found its receiver marked asleep, so each side slept at
  // least once per message it received.
  CHECK(ping.stats.sleeps >= rounds - 1);  // its first round needs no wait
  CHECK(child_sleeps >= rounds);
}
