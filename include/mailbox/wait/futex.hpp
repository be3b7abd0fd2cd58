// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The futex wait backend (Linux; abi.hpp chooses it, wait.hpp includes it).
// A sleeper of spin_then_block sets the state word's top bit ("a waiter
// sleeps here") and sleeps in FUTEX_WAIT on the word; publish() exchanges
// the word and calls FUTEX_WAKE when it replaced a marked value. Why no
// wake-up is lost: docs/waiting.md. The liveness checks use waitid(WNOWAIT)
// and pidfds. This is the only header that brings the Linux system-call
// layer (detail/syscalls.hpp).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <utility>

#include <unistd.h>

#include "../abi.hpp"
#include "../detail/syscalls.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

// A child of this process: dead once it has exited or been killed, whether
// or not it was reaped yet (WNOWAIT leaves the zombie for the caller's
// waitpid). Stays "alive" if the pid is not our child: the check cannot tell.
// A child's pid cannot be reused before we reap it, so no pidfd is needed.
class child_alive {
 public:
  // Whether a child that has exited but is not reaped yet counts as dead:
  // here it does (waitid with WNOWAIT). The portable backend cannot see it.
  static constexpr bool reports_exit_before_reaping = true;

  explicit child_alive(pid_t child) noexcept : child_(child) {}
  [[nodiscard]] bool operator()() const noexcept { return !detail::child_has_ended(child_); }

 private:
  pid_t child_;
};

// Any process: dead once it has exited. Where the kernel has pidfds (Linux
// 5.3) the object holds one, opened when it is made: it refers to that
// process, not to its number, so a new process given the same number later
// does not make it "alive" again, and an exited process counts as dead even
// before its parent reaps it. Without pidfds (older kernels, a seccomp
// filter) it falls back to kill(pid, 0), which a zombie passes and a reused
// pid fools. Make it while the process is known to live; a pid <= 0 (no
// process) is never alive.
class process_alive {
 public:
  explicit process_alive(pid_t pid) noexcept : pid_(pid), pidfd_(pid > 0 ? detail::pidfd_open(pid) : -ESRCH) {
    gone_ = pid <= 0 || pidfd_ == -ESRCH;
  }
  process_alive(const process_alive& other) noexcept
      : pid_(other.pid_),
        pidfd_(other.pidfd_ >= 0 ? detail::duplicate_fd(other.pidfd_) : -1),
        gone_(other.gone_) {}
  process_alive(process_alive&& other) noexcept
      : pid_(other.pid_), pidfd_(std::exchange(other.pidfd_, -1)), gone_(other.gone_) {}
  process_alive& operator=(process_alive other) noexcept {
    std::swap(pid_, other.pid_);
    std::swap(pidfd_, other.pidfd_);
    std::swap(gone_, other.gone_);
    return *this;
  }
  ~process_alive() {
    if (pidfd_ >= 0) ::close(pidfd_);
  }

  [[nodiscard]] bool operator()() const noexcept {
    if (gone_) return false;
    if (pidfd_ >= 0) return !detail::pidfd_has_exited(pidfd_);
    return detail::pid_exists(pid_);
  }

  // Whether this check holds a pidfd (immune to pid reuse), or uses kill().
  [[nodiscard]] bool uses_pidfd() const noexcept { return pidfd_ >= 0; }

 private:
  pid_t pid_;
  int pidfd_;  // or -errno of pidfd_open
  bool gone_ = false;
};

namespace detail {

inline constexpr bool has_futex = true;

// A sleeper marks the word before it sleeps, and a publish or a
// try_transition that replaces a marked word wakes it (Mailbox::block_on,
// publish_blocking_state).
inline constexpr bool sleeper_marks_word = true;

// A publish wakes the sleeper at once; the cap on one FUTEX_WAIT only bounds
// what a peer that stores the word without FUTEX_WAKE costs (a process built
// with the portable backend, another language's plain store): it is seen
// within this long. An idle waiter then wakes 100 times a second, as one with
// a liveness check already does (docs/waiting.md has what that costs).
inline constexpr std::chrono::nanoseconds default_max_sleep = std::chrono::milliseconds(10);

// Sleeps while *word == seen, for at most `timeout`: 0 when the caller
// should look at the word again, ETIMEDOUT when the timeout ended the sleep,
// or the errno of a FUTEX_WAIT the kernel refused.
inline int sleep_on_word(std::uint32_t* word, std::uint32_t seen, std::chrono::nanoseconds timeout) noexcept {
  return futex_wait(word, seen, timeout);
}

// Wakes every sleeper of the word (it held the mark).
inline void wake_word_sleepers(std::uint32_t* word) noexcept { futex_wake_all(word); }

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
