// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// One side of a mailbox shared by processes built with different wait
// backends. side.cpp is compiled twice into one test program: as
// mixed::futex_side with the build's default (the futex backend) and as
// mixed::portable_side with MAILBOX_FORCE_PORTABLE_WAIT. The two copies of
// the library live in different inline namespaces (abi.hpp), so they do not
// clash; this interface passes only bytes and plain values between them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace mixed {

// The mailbox, then the waiter's wait_stats (at stats_offset), so that the
// publishing process can see when the waiter sleeps.
inline constexpr std::size_t stats_offset = 64;
inline constexpr std::size_t region_size = 128;

struct wait_report {
  bool acquired = false;
  bool before_deadline = false;  // returned before its deadline
  std::uint64_t sleeps = 0;
  std::uint64_t timeouts = 0;
};

struct publish_report {
  bool published = false;
  bool word_was_marked = false;  // the waiter's mark was in the word when we published
};

#define MAILBOX_MIXED_SIDE_INTERFACE                                                                \
  /* Prepares the region: the state ping, zeroed counters. */                                       \
  void initialize(std::span<std::byte> region);                                                     \
  /* Waits for pong (spin_then_block, no spins, no liveness check), with that max_sleep, at most */ \
  /* `patience`. */                                                                                 \
  wait_report wait_for_pong(std::span<std::byte> region, std::chrono::nanoseconds max_sleep,        \
                            std::chrono::nanoseconds patience);                                     \
  /* Waits until the waiter sleeps (its mark is in the word, or it has counted a sleep), lets it */ \
  /* settle `settle`, then publishes pong. */                                                       \
  publish_report publish_pong_once_peer_sleeps(std::span<std::byte> region, std::chrono::nanoseconds settle);

namespace futex_side {
MAILBOX_MIXED_SIDE_INTERFACE
}
namespace portable_side {
MAILBOX_MIXED_SIDE_INTERFACE
}

#undef MAILBOX_MIXED_SIDE_INTERFACE

}  // namespace mixed
