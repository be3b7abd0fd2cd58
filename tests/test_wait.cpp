// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Waiting with a policy and a deadline, in one process: the wait ends with a
// token when the state comes, and with an error (never a hang) when it does
// not.
#include <mailbox/mailbox.hpp>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <limits>
#include <new>
#include <span>
#include <thread>

#include "support/catch.hpp"
#include "support/shared_region.hpp"

using namespace std::chrono_literals;

namespace {

enum class Turn : std::uint32_t { ping, pong };
using Plain = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"value", std::uint64_t>>;
using Blocking = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"value", std::uint64_t>,
                                 mailbox::blocking_waiters>;

constexpr bool futex = mailbox::compiled_wait_backend == mailbox::wait_backend::futex;

template <class Layout, class Policy>
void check_deadline(Policy policy) {
  test_support::local_region<Layout> region;
  auto box = mailbox::Mailbox<Layout>::initialize(region.span(), Turn::ping);
  const auto until = mailbox::wait_clock::now() + 30ms;
  auto r = box.acquire(Turn::pong, policy, until);
  const auto returned = mailbox::wait_clock::now();
  REQUIRE_FALSE(r);
  CHECK(r.error() == mailbox::wait_error::timed_out);
  CHECK(returned >= until);  // it did wait for the whole time
  using microseconds = std::chrono::duration<double, std::micro>;
  WARN("returned " << microseconds(returned - until).count() << " us after the deadline");
  // The twin: the state it has now is acquired at once, deadline or not.
  CHECK(box.acquire(Turn::ping, policy, until).has_value());
}

}  // namespace

TEST_CASE("a deadline ends the wait with timed_out, for every policy", "[wait][deadline]") {
  SECTION("spin") { check_deadline<Plain>(mailbox::spin{}); }
  SECTION("spin then yield") { check_deadline<Plain>(mailbox::spin_then_yield{}); }
  SECTION("spin then block") { check_deadline<Blocking>(mailbox::spin_then_block{}); }
  SECTION("spin then block, no spinning") { check_deadline<Blocking>(mailbox::spin_then_block{.spins = 0}); }
}

TEST_CASE("a deadline already past returns at once", "[wait][deadline]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  auto r = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0}, mailbox::wait_clock::now() - 1s);
  REQUIRE_FALSE(r);
  CHECK(r.error() == mailbox::wait_error::timed_out);
  CHECK_THROWS_AS(std::move(r).value(), mailbox::wait_failed);
}

TEST_CASE("a liveness check that fails ends the wait with peer_gone", "[wait][liveness]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  int calls = 0;
  auto r = box.acquire(Turn::pong, mailbox::spin_then_block{}, mailbox::no_deadline,
                       [&calls] { return ++calls < 3; });
  REQUIRE_FALSE(r);
  CHECK(r.error() == mailbox::wait_error::peer_gone);
  CHECK(calls == 3);
  try {
    (void)std::move(r).value();
    FAIL("value() of a failed wait returned");
  } catch (const mailbox::wait_failed& e) {
    CHECK(e.error() == mailbox::wait_error::peer_gone);
    CHECK(std::string(e.what()).find("peer gone") != std::string::npos);
  }
}

TEST_CASE("a dead peer that published first still hands the state over", "[wait][liveness]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  // The liveness check publishes, then reports death: the state is there.
  auto r = box.acquire(Turn::pong, mailbox::spin_then_yield{.spins = 0}, mailbox::no_deadline, [box] {
    std::move(*box.try_acquire(Turn::ping)).publish(Turn::pong);
    return false;
  });
  CHECK(r.has_value());
}

TEST_CASE("a sleeping thread sees a publish (a futex wake, or its next look)", "[wait][futex]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  mailbox::wait_stats stats;
  std::thread waiter([box, &stats] {
    auto r = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0, .stats = &stats});
    std::move(r).value().set<"value">(std::uint64_t{1});
  });
  std::this_thread::sleep_for(50ms);  // long enough that the waiter is asleep, not required
  auto t = box.acquire(Turn::ping);
  t.set<"value">(std::uint64_t{41});
  std::move(t).publish(Turn::pong);
  waiter.join();
  CHECK(stats.sleeps >= 1);
  CHECK(box.state() == Turn::pong);  // the mark is never visible as a state
}

namespace {

// The state word as a peer outside the library stores it: a plain release
// store, no exchange, no FUTEX_WAKE (another language's peer, or a process
// built with the portable backend).
void store_without_wake(std::span<std::byte> region, Turn next) {
  auto& word = *std::launder(reinterpret_cast<std::uint32_t*>(region.data() + Blocking::state_offset));
  mailbox::detail::atomic_ref<std::uint32_t>(word).store(static_cast<std::uint32_t>(next),
                                                         std::memory_order_release);
}

bool word_is_marked(std::span<std::byte> region) {
  auto& word = *std::launder(reinterpret_cast<std::uint32_t*>(region.data() + Blocking::state_offset));
  return (mailbox::detail::atomic_ref<std::uint32_t>(word).load(std::memory_order_relaxed) &
          mailbox::detail::waiter_mark) != 0;
}

}  // namespace

TEST_CASE("a sleeper looks at the word at least every max_sleep, whoever stores it", "[wait][max_sleep]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  // Far beyond the cap: a sleeper that is not woken and does not look again
  // within its cap sleeps on to here.
  const auto until = mailbox::wait_clock::now() + 10s;
  auto waiter = std::async(std::launch::async, [box, until] {
    auto r = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0, .max_sleep = 5ms}, until);
    const auto returned = mailbox::wait_clock::now();
    if (r) std::move(*r).abandon();
    return std::pair{r.has_value(), returned};
  });
  // The futex sleeper marks the word; the portable one sets no mark.
  const auto asleep_by = mailbox::wait_clock::now() + 5s;
  if constexpr (mailbox::compiled_wait_backend == mailbox::wait_backend::futex) {
    while (!word_is_marked(region.span()) && mailbox::wait_clock::now() < asleep_by)
      std::this_thread::yield();
  }
  std::this_thread::sleep_for(50ms);  // into its sleep (not required)
  store_without_wake(region.span(), Turn::pong);
  const auto [acquired, returned] = waiter.get();
  CHECK(acquired);
  CHECK(returned < until);
}

TEST_CASE("a max_sleep of zero never sleeps", "[wait][max_sleep]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  mailbox::wait_stats stats;
  auto r = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0, .stats = &stats, .max_sleep = 0ns},
                       mailbox::wait_clock::now() + 20ms);
  REQUIRE_FALSE(r);
  CHECK(r.error() == mailbox::wait_error::timed_out);
  CHECK(stats.sleeps == 0);
  CHECK_FALSE(word_is_marked(region.span()));
  // The twin: the default cap sleeps.
  auto slept = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0, .stats = &stats},
                           mailbox::wait_clock::now() + 20ms);
  REQUIRE_FALSE(slept);
  CHECK(stats.sleeps >= 1);
}

TEST_CASE("the portable backend's backoff: yields, then doubling sleeps up to the cap", "[wait][backoff]") {
  using std::chrono::microseconds;
  using std::chrono::nanoseconds;
  mailbox::detail::backoff schedule;
  const nanoseconds cap = 1ms;
  for (std::uint32_t i = 0; i < mailbox::detail::backoff::yields; ++i) CHECK(schedule.next(cap, 1h) == 0ns);
  nanoseconds expected = mailbox::detail::backoff::first_sleep;
  for (int i = 0; i < 20; ++i) {
    const nanoseconds step = schedule.next(cap, 1h);
    CHECK(step == expected);
    CHECK(step <= cap);
    expected = std::min(2 * expected, cap);
  }
  CHECK(schedule.next(cap, 1h) == cap);                           // it stays at the cap
  CHECK(schedule.next(cap, microseconds(3)) == microseconds(3));  // never past the deadline
  CHECK(schedule.next(cap, 1h) == cap);
  CHECK(schedule.next(0ns, 1h) == 0ns);  // no cap: a yield
  CHECK(schedule.next(-1ms, 1h) == 0ns);
}

TEST_CASE("the default acquire and publish ignore the wait machinery", "[wait]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  auto t = box.acquire(Turn::ping);  // the pure spin still works on a blocking layout
  std::move(t).publish(Turn::pong);
  CHECK(box.try_acquire(Turn::pong).has_value());
  CHECK_FALSE(box.try_acquire(Turn::ping).has_value());
}

TEST_CASE("acquire_any takes whichever listed state comes and says which", "[wait]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  auto r =
      box.acquire_any({Turn::pong, Turn::ping}, mailbox::spin_then_block{}, mailbox::wait_clock::now() + 1s);
  REQUIRE(r);
  CHECK(r.state() == Turn::ping);
  std::move(*r).publish(Turn::pong);

  std::thread waiter([box] {
    auto got = box.acquire_any({Turn::ping}, mailbox::spin_then_block{.spins = 0});
    std::move(got).value().set<"value">(std::uint64_t{5});
  });
  std::move(*box.try_acquire(Turn::pong)).publish(Turn::ping);
  waiter.join();

  // The twin: a state not in the list is not taken.
  auto none = box.acquire_any({Turn::pong}, mailbox::spin{}, mailbox::wait_clock::now() + 5ms);
  REQUIRE_FALSE(none);
  CHECK(none.error() == mailbox::wait_error::timed_out);
  CHECK(none.state() == Turn::ping);  // the last state seen
}

TEST_CASE("a policy's first spins end at the deadline", "[wait][deadline]") {
  test_support::local_region<Plain> region;
  auto box = mailbox::Mailbox<Plain>::initialize(region.span(), Turn::ping);
  // 2^32 spins take minutes; the deadline comes after 20 ms.
  auto waiter = std::async(std::launch::async, [box] {
    auto r =
        box.acquire(Turn::pong, mailbox::spin_then_yield{.spins = std::numeric_limits<std::uint32_t>::max()},
                    mailbox::wait_clock::now() + 20ms);
    return r ? -1 : static_cast<int>(r.error());
  });
  // A hang detector, not a timing bound.
  const bool returned = waiter.wait_for(30s) == std::future_status::ready;
  if (!returned) std::move(*box.try_acquire(Turn::ping)).publish(Turn::pong);  // lets it end
  CHECK(returned);
  CHECK(waiter.get() == static_cast<int>(mailbox::wait_error::timed_out));
}

namespace {

// In a fork()ed child, makes every futex call fail with `error` (a seccomp
// filter, as a sandbox would), then waits with spin_then_block. Returns the
// exit code for the parent: the wait_error, or 100 + something on a setup
// failure.
constexpr int cannot_filter = 100;

int wait_with_futex_refused(int error) {
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<unsigned>(error) & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return cannot_filter;
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) return cannot_filter;

  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  mailbox::wait_stats stats;
  // Nobody publishes: a futex wait that took the refusal for "look again"
  // would burn a core until the deadline and report timed_out.
  auto r = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0, .stats = &stats},
                       mailbox::wait_clock::now() + (futex ? 2s : 50ms));
  if (r) return 101;
  if (r.error() == mailbox::wait_error::futex_failed && stats.futex_errno != error) return 102;
  if (!futex && (stats.sleeps == 0 || stats.futex_errno != 0)) return 103;
  return static_cast<int>(r.error());
}

}  // namespace

TEST_CASE("a futex the kernel refuses ends the wait with futex_failed (the portable backend sleeps on)",
          "[wait][futex]") {
  for (const int error : {ENOSYS, EPERM, EINVAL}) {
    INFO("FUTEX_WAIT fails with errno " << error << "; wait backend: " << mailbox::wait_backend_name);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) ::_exit(wait_with_futex_refused(error));
    const int status = test_support::wait_for(child);
    if (status == cannot_filter) {
      WARN("SKIPPED: this system refuses a seccomp filter (qemu-user does)");
      return;
    }
    // A sandbox that refuses futex: the futex backend says so at once; the
    // portable one makes no futex call, sleeps, and times out.
    CHECK(status ==
          static_cast<int>(futex ? mailbox::wait_error::futex_failed : mailbox::wait_error::timed_out));
  }
  CHECK(mailbox::to_string(mailbox::wait_error::futex_failed) == "futex failed");
}

TEST_CASE("the liveness interval is an option of each call", "[wait][liveness]") {
  test_support::local_region<Blocking> region;
  auto box = mailbox::Mailbox<Blocking>::initialize(region.span(), Turn::ping);
  int calls = 0;
  const auto dead = [&calls] {
    ++calls;
    return false;
  };
  SECTION("an interval longer than the wait: never asked") {
    auto r = box.acquire(Turn::pong, mailbox::spin_then_yield{.spins = 0, .liveness_interval = 1h},
                         mailbox::wait_clock::now() + 20ms, dead);
    REQUIRE_FALSE(r);
    CHECK(r.error() == mailbox::wait_error::timed_out);
    CHECK(calls == 0);
  }
  SECTION("a zero interval: asked at the first poll") {
    auto r = box.acquire(Turn::pong, mailbox::spin_then_block{.spins = 0, .liveness_interval = 0ns},
                         mailbox::no_deadline, dead);
    REQUIRE_FALSE(r);
    CHECK(r.error() == mailbox::wait_error::peer_gone);
    CHECK(calls == 1);
  }
  SECTION("the pure spin takes it too") {
    auto r = box.acquire(Turn::pong, mailbox::spin{.liveness_interval = 1h},
                         mailbox::wait_clock::now() + 20ms, dead);
    REQUIRE_FALSE(r);
    CHECK(r.error() == mailbox::wait_error::timed_out);
    CHECK(calls == 0);
  }
  SECTION("an interval of nanoseconds::max() does not overflow") {
    auto r = box.acquire(
        Turn::pong,
        mailbox::spin_then_block{.spins = 0, .liveness_interval = std::chrono::nanoseconds::max()},
        mailbox::wait_clock::now() + 20ms, dead);
    REQUIRE_FALSE(r);
    CHECK(r.error() == mailbox::wait_error::timed_out);
    CHECK(calls == 0);
  }
}
