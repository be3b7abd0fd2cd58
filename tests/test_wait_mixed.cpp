// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Processes built with different wait backends sharing one blocking
// mailbox: the futex backend (a sleeper marks the word and sleeps in
// FUTEX_WAIT; publish wakes marked sleepers) and the portable one (a sleeper
// polls with a capped backoff and sets no mark; publish is a plain store).
// Neither may lose a state change for longer than the sleeper's max_sleep.
// Each side is the library as built for its backend (wait_mixed/side.cpp,
// compiled twice); the test forks one process per side.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>

#include "support/catch.hpp"
#include "support/shared_region.hpp"
#include "wait_mixed/sides.hpp"

using namespace std::chrono_literals;

namespace {

// Exit codes of the publishing child.
constexpr int published_marked = 10;
constexpr int published_unmarked = 11;
constexpr int did_not_publish = 12;

// Runs `publish` in a child process, `wait` here, and returns the child's
// exit code with the wait's report.
template <class Publish, class Wait>
std::pair<int, mixed::wait_report> run(Publish publish, Wait wait) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const mixed::publish_report p = publish();
    ::_exit(!p.published ? did_not_publish : p.word_was_marked ? published_marked : published_unmarked);
  }
  const mixed::wait_report w = wait();
  return {test_support::wait_for(child), w};
}

}  // namespace

TEST_CASE("a futex sleeper sees a portable peer's publish within its max_sleep", "[wait][mixed][fork]") {
  test_support::shared_mapping region(mixed::region_size);
  mixed::futex_side::initialize(region.span());
  // The portable publisher stores pong without FUTEX_WAKE, 50 ms into the
  // futex sleeper's sleep. Capped at 20 ms, the sleep ends by itself and the
  // waiter sees pong; uncapped (the control below), it would sleep on to
  // its deadline.
  const auto [child, wait] =
      run([&] { return mixed::portable_side::publish_pong_once_peer_sleeps(region.span(), 50ms); },
          [&] { return mixed::futex_side::wait_for_pong(region.span(), 20ms, 10s); });
  CHECK(child == published_marked);  // the futex sleeper had marked the word
  CHECK(wait.acquired);
  CHECK(wait.before_deadline);
  CHECK(wait.sleeps >= 1);
  std::printf("futex sleeper, portable publisher: %llu FUTEX_WAITs, %llu ended by max_sleep\n",
              static_cast<unsigned long long>(wait.sleeps), static_cast<unsigned long long>(wait.timeouts));
}

TEST_CASE("control: without the cap a futex sleeper sleeps through a portable publish",
          "[wait][mixed][fork]") {
  test_support::shared_mapping region(mixed::region_size);
  mixed::futex_side::initialize(region.span());
  // The same with a cap longer than the wait: nothing wakes the sleeper
  // before its deadline, which is what the cap prevents above. (Should the
  // sleeper be descheduled between its mark and FUTEX_WAIT for the 200 ms
  // the publisher waits, it would see pong at once and this would fail.)
  const auto [child, wait] =
      run([&] { return mixed::portable_side::publish_pong_once_peer_sleeps(region.span(), 200ms); },
          [&] { return mixed::futex_side::wait_for_pong(region.span(), 1h, 1s); });
  CHECK(child == published_marked);
  CHECK_FALSE(wait.before_deadline);
  CHECK(wait.acquired);  // the look after the last sleep finds pong
  CHECK(wait.timeouts >= 1);
}

TEST_CASE("a portable sleeper sees a futex peer's publish, which has no mark to wake",
          "[wait][mixed][fork]") {
  test_support::shared_mapping region(mixed::region_size);
  mixed::portable_side::initialize(region.span());
  const auto [child, wait] =
      run([&] { return mixed::futex_side::publish_pong_once_peer_sleeps(region.span(), 5ms); },
          [&] { return mixed::portable_side::wait_for_pong(region.span(), 1ms, 10s); });
  CHECK(child == published_unmarked);  // a portable sleeper sets no mark: no FUTEX_WAKE
  CHECK(wait.acquired);
  CHECK(wait.before_deadline);
  CHECK(wait.sleeps >= 1);
  CHECK(wait.timeouts == wait.sleeps);  // every portable sleep ends by its time
}
