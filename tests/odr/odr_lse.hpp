// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The layout both translation units of the LSE test use: a blocking layout,
// whose wait marks the state word with a compare-and-swap (CASA with LSE,
// an LDXR/STXR loop or libgcc's run-time check without).
#pragma once

#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

enum class Turn : std::uint32_t { empty, full };
using Sleepy = mailbox::layout<mailbox::state<"turn", Turn>, mailbox::field<"value", std::uint64_t>,
                               mailbox::blocking_waiters>;

// Waits 1 ms for a state that never comes, the blocking way (spins = 0): the
// wait marks the word and sleeps, then times out. true if it timed out.
// Internal linkage: each TU has its own copy of this function, so that the
// only code the two TUs can share by name is the library's.
namespace {
bool wait_in_vain(std::span<std::byte> region) {
  const mailbox::Mailbox<Sleepy> box{region};
  const auto r = box.acquire(Turn::full, mailbox::spin_then_block{.spins = 0},
                             mailbox::wait_clock::now() + std::chrono::milliseconds(1));
  return !r.has_value() && r.error() == mailbox::wait_error::timed_out;
}
}  // namespace

// Defined in odr_lse.cpp, built with -march=armv8.2-a (LSE: CASA).
bool wait_with_lse_tu(std::span<std::byte> region);
// Defined in odr_lse_baseline.cpp, built for baseline armv8-a.
bool wait_with_baseline_tu(std::span<std::byte> region);
