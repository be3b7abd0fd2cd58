// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Handoffs between two threads and between two processes. On x86-64 these
// show the protocol works and the compiler keeps the order; they are evidence
// of hardware ordering only on a weakly ordered CPU (see docs/ordering.md).
#include <mailbox/mailbox.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <thread>

#include "support/catch.hpp"
#include "support/pingpong.hpp"
#include "support/shared_region.hpp"

using test_support::PingPong;
using test_support::PingPongBox;
using test_support::Turn;

TEST_CASE("two threads hand the payload back and forth", "[pingpong][threads]") {
  const std::uint64_t count = test_support::handoffs(100'000);
  test_support::local_region<PingPong> region;
  auto box = PingPongBox::initialize(region.span(), Turn::ping);

  test_support::pingpong_result pong_side;
  std::thread ponger([&] { pong_side = test_support::run_ponger(box, count); });
  const test_support::pingpong_result ping_side = test_support::run_pinger(box, count);
  ponger.join();

  INFO(ping_side.describe("pinger") << pong_side.describe("ponger"));
  CHECK(ping_side.mismatches == 0);
  CHECK(pong_side.mismatches == 0);
  // The last pong came back: the final state and payload are the reply.
  auto last = box.acquire(Turn::ping);
  CHECK(last.get<"sequence">() == test_support::reply_to(count));
}

TEST_CASE("two processes hand the payload back and forth over MAP_SHARED", "[pingpong][fork]") {
  const std::uint64_t count = test_support::handoffs(100'000);
  test_support::shared_mapping region(PingPong::size);
  auto box = PingPongBox::initialize(region.span(), Turn::ping);

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const auto result = test_support::run_ponger(box, count);
    if (result.mismatches != 0) std::fprintf(stderr, "%s\n", result.describe("child ponger").c_str());
    ::_exit(result.mismatches == 0 ? 0 : 1);
  }
  const auto ping_side = test_support::run_pinger(box, count);
  INFO(ping_side.describe("parent pinger"));
  CHECK(test_support::wait_for(child) == 0);
  CHECK(ping_side.mismatches == 0);
  CHECK(box.acquire(Turn::ping).get<"sequence">() == test_support::reply_to(count));
}

namespace {
enum class Job : std::int32_t { waiting, done };
using Sentinel = mailbox::layout<mailbox::state<"state", Job>, mailbox::field<"value", std::uint64_t>>;
constexpr std::uint64_t sentinel = 0xDEADBEEFCAFEBABEull;
}  // namespace

TEST_CASE("a child's payload written before publish is what the parent reads", "[pingpong][fork]") {
  constexpr int rounds = 200;  // a fork each: more belongs in the stress preset
  std::uint64_t stale = 0;
  for (int round = 0; round < rounds; ++round) {
    // A fresh region each time, so no earlier round's value can be read.
    test_support::shared_mapping region(Sentinel::size);
    auto box = mailbox::Mailbox<Sentinel>::initialize(region.span(), Job::waiting);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      auto token = box.acquire(Job::waiting);
      token.set<"value">(sentinel);
      std::move(token).publish(Job::done);
      ::_exit(0);
    }
    auto token = box.acquire(Job::done);
    if (token.get<"value">() != sentinel) ++stale;
    REQUIRE(test_support::wait_for(child) == 0);
  }
  CHECK(stale == 0);
}
