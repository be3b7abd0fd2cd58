// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The portable wait backend's schedule between looks at the state word: a
// few yields, then sleeps that double from a short first one up to a cap.
// Plain C++ with no system calls, so every build can test it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "../abi.hpp"

namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail {

// One per wait. next() says what the sleeper does before its next look at
// the word: yield (zero), or sleep that long. The sleeps double, so a state
// that comes soon after the spins is seen soon (tens of microseconds), and
// a long wait costs one wake-up per cap: the cap is the longest a sleeping
// waiter goes without looking, whoever publishes and however.
class backoff {
 public:
  // Yields first: on a busy machine they hand the CPU to the peer that is
  // about to publish; on an idle one they cost a system call each.
  static constexpr std::uint32_t yields = 16;
  // Linux rounds a sleep up by the thread's timer slack (50 us by default),
  // so shorter first sleeps would buy nothing there.
  static constexpr std::chrono::nanoseconds first_sleep = std::chrono::microseconds(10);

  // The next step: zero for a yield, otherwise the sleep's length, which is
  // never above `cap` nor `remaining` (the time to the deadline or the next
  // liveness check). A cap of zero or less never sleeps: every step yields.
  [[nodiscard]] std::chrono::nanoseconds next(std::chrono::nanoseconds cap,
                                              std::chrono::nanoseconds remaining) noexcept {
    if (cap.count() <= 0) return std::chrono::nanoseconds::zero();
    if (yields_done_ < yields) {
      ++yields_done_;
      return std::chrono::nanoseconds::zero();
    }
    const std::chrono::nanoseconds step = std::min({sleep_, cap, remaining});
    sleep_ = sleep_ >= cap / 2 ? cap : 2 * sleep_;
    return step;
  }

 private:
  std::uint32_t yields_done_ = 0;
  std::chrono::nanoseconds sleep_ = first_sleep;
};

}  // namespace mailbox::inline MAILBOX_ABI_NAMESPACE::detail
