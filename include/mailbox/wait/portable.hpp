// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The portable wait backend: any POSIX system, and Linux when
// MAILBOX_FORCE_PORTABLE_WAIT is defined (abi.hpp chooses it, wait.hpp
// includes it). Nothing here is Linux's: <unistd.h> and the C++ library.
//
// A sleeper of spin_then_block cannot be woken by a publish: after its
// spins it yields a few times, then sleeps with a doubling backoff capped at
// the policy's max_sleep (detail::backoff), looking at the state word after
// every sleep. So it sets no mark in the word, publish() is a plain release
// store (there is nobody to wake and nothing to learn from the old value),
// and a state change is seen at most max_sleep after it is made, whoever
// makes it. Why this and a futex peer in another process still agree:
// docs/waiting.md.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <thread>

#include <unistd.h>

#include "../abi.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

namespace detail {

// Whether a process numbered `pid` exists: getpgid() fails with ESRCH only
// when none does. It stands in for kill(pid, 0), whose <signal.h> a public
// header must not include (its macros, si_pid and sa_handler, break names in
// users' files); both see a zombie as existing and cannot tell a new process
// that was given a dead one's number.
inline bool pid_exists(pid_t pid) noexcept { return ::getpgid(pid) >= 0 || errno != ESRCH; }

}  // namespace detail

// A child of this process, while a process with its number exists. Without
// waitid() (its <sys/wait.h> brings <signal.h>), a child that has exited
// but is not reaped yet (a zombie) still exists: it counts as dead only once
// it is reaped, by a waitpid() in another thread, a SIGCHLD handler, or the
// system itself when SIGCHLD is ignored (docs/waiting.md).
class child_alive {
 public:
  // Whether a child that has exited but is not reaped yet counts as dead:
  // not on this backend.
  static constexpr bool reports_exit_before_reaping = false;

  explicit child_alive(pid_t child) noexcept : child_(child) {}
  [[nodiscard]] bool operator()() const noexcept { return child_ > 0 && detail::pid_exists(child_); }

 private:
  pid_t child_;
};

// Any process, while a process with its number exists (no pidfds here): a
// zombie counts as alive until its parent reaps it, and a new process given
// the number makes it alive again. A pid <= 0 (no process) is never alive.
class process_alive {
 public:
  explicit process_alive(pid_t pid) noexcept : pid_(pid) {}
  [[nodiscard]] bool operator()() const noexcept { return pid_ > 0 && detail::pid_exists(pid_); }

  // Whether this check holds a pidfd (immune to pid reuse): never here.
  [[nodiscard]] bool uses_pidfd() const noexcept { return false; }

 private:
  pid_t pid_;
};

namespace detail {

inline constexpr bool has_futex = false;

// Sleepers poll; they set no mark, and publish() wakes nobody.
inline constexpr bool sleeper_marks_word = false;

// The longest a sleeper goes without looking at the word: the wake-up
// latency of a long wait, and the price of idling (one wake-up per cap).
inline constexpr std::chrono::nanoseconds default_max_sleep = std::chrono::milliseconds(1);

// Sleeps `timeout`; nothing can end it sooner. Returns ETIMEDOUT: the sleep
// ended by its time, as every sleep here does.
inline int sleep_on_word(std::uint32_t* /*word*/, std::uint32_t /*seen*/,
                         std::chrono::nanoseconds timeout) noexcept {
  std::this_thread::sleep_for(timeout);
  return ETIMEDOUT;
}

// Nobody sleeps in the kernel on the word: nothing to wake.
inline void wake_word_sleepers(std::uint32_t* /*word*/) noexcept {}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
