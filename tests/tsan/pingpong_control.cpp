// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The TSan negative control and its twin: the same two-thread ping-pong as
// tests/support/pingpong.hpp, written with std::atomic_ref by hand so that the
// state word's memory order is the only thing the two builds change.
//
//   MAILBOX_TSAN_CONTROL_RELAXED=1  relaxed load and store of the state word:
//                                   nothing orders the payload, and TSan must
//                                   report the data race on it (the CTest
//                                   test passes only on that report);
//   MAILBOX_TSAN_CONTROL_RELAXED=0  acquire/release, the library's protocol:
//                                   TSan must stay silent.
#include <atomic>
#include <cstdint>
#include <thread>

#include "support/catch.hpp"

#ifndef MAILBOX_TSAN_CONTROL_RELAXED
#error "build with -DMAILBOX_TSAN_CONTROL_RELAXED=0 or 1"
#endif

namespace {

constexpr bool relaxed = MAILBOX_TSAN_CONTROL_RELAXED;
constexpr std::memory_order load_order = relaxed ? std::memory_order_relaxed : std::memory_order_acquire;
constexpr std::memory_order store_order = relaxed ? std::memory_order_relaxed : std::memory_order_release;

enum : std::uint32_t { ping, pong };

struct alignas(64) Region {
  std::uint32_t turn = ping;
  std::uint64_t words[24] = {};
};

std::uint32_t load_turn(Region& r) { return std::atomic_ref<std::uint32_t>(r.turn).load(load_order); }
void store_turn(Region& r, std::uint32_t turn) {
  std::atomic_ref<std::uint32_t>(r.turn).store(turn, store_order);
}

// One side: waits for its turn, checks the other side's words, writes its own.
std::uint64_t play(Region& r, std::uint32_t mine, std::uint32_t theirs, std::uint64_t rounds) {
  std::uint64_t stale = 0;
  for (std::uint64_t n = 1; n <= rounds; ++n) {
    while (load_turn(r) != mine) std::this_thread::yield();
    const std::uint64_t expected = mine == ping ? n - 1 : n;
    for (std::uint64_t word : r.words) stale += word != expected;
    for (std::uint64_t& word : r.words) word = n;
    store_turn(r, theirs);
  }
  return stale;
}

}  // namespace

TEST_CASE("ping-pong through a hand-written state word", "[tsan][control]") {
  constexpr std::uint64_t rounds = 1000;
  Region region;
  std::uint64_t pong_stale = 0;
  std::thread ponger([&] { pong_stale = play(region, pong, ping, rounds); });
  const std::uint64_t ping_stale = play(region, ping, pong, rounds);
  ponger.join();
  CHECK(ping_stale == 0);
  CHECK(pong_stale == 0);
}
