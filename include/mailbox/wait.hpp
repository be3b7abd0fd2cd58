// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Waiting for a state with a policy (spin, spin-then-yield, spin-then-block),
// a deadline and a peer-liveness check, so that a dead or silent peer ends
// the wait with an error instead of a hang. How spin_then_block sleeps is the
// wait backend's: wait/futex.hpp (Linux) or wait/portable.hpp (any POSIX
// system), which abi.hpp chooses.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "abi.hpp"
#include "arch.hpp"
#include "wait/backoff.hpp"

// No <signal.h>, <sys/wait.h>, <linux/futex.h> or <sys/syscall.h>: their
// macros (si_pid, sa_handler, FUTEX_*) would break names in users' files.
// The futex backend makes its system calls through detail/syscalls.hpp,
// which needs only <unistd.h>; the portable one needs <unistd.h> alone.
#if defined(MAILBOX_WAIT_BACKEND_FUTEX)
#include "wait/futex.hpp"
#else
#include "wait/portable.hpp"
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

using wait_clock = std::chrono::steady_clock;
using deadline = wait_clock::time_point;

// A deadline that never comes.
inline constexpr deadline no_deadline = deadline::max();

// How often a waiter calls its liveness check unless its policy says
// otherwise (the policies' liveness_interval): a dead peer is noticed within
// about this long (plus the time to return), well under 100 ms.
inline constexpr std::chrono::milliseconds liveness_interval{10};

// The longest a sleeping spin_then_block waiter goes without looking at the
// state word, unless its policy's max_sleep says otherwise: a state change
// that wakes nobody (made by a peer built with the other wait backend, or by
// another language's plain store) is seen within this long. On the futex
// backend a publish wakes the sleeper at once and this is 10 ms; on the
// portable one, where nothing wakes it, 1 ms.
inline constexpr std::chrono::nanoseconds max_sleep = detail::default_max_sleep;

enum class wait_backend { futex, portable };

// The wait backend this translation unit compiled (abi.hpp chooses it), for
// tests and benchmarks to report which one they ran.
#if defined(MAILBOX_WAIT_BACKEND_FUTEX)
inline constexpr wait_backend compiled_wait_backend = wait_backend::futex;
inline constexpr std::string_view wait_backend_name = "futex (FUTEX_WAIT and FUTEX_WAKE on the state word)";
#else
inline constexpr wait_backend compiled_wait_backend = wait_backend::portable;
inline constexpr std::string_view wait_backend_name =
    "portable (spin, yield, then sleep with a bounded backoff)";
#endif

// Why a wait ended without a token.
enum class wait_error {
  timed_out,      // the deadline passed
  peer_gone,      // the liveness check said the peer is dead
  invalid_state,  // the state word holds a value the layout does not declare
  futex_failed,   // the kernel refused FUTEX_WAIT (ENOSYS, EPERM from seccomp, EINVAL):
                  // spin_then_block cannot sleep here; wait_stats::futex_errno says why.
                  // Futex backend only: the portable one never reports it
};

[[nodiscard]] constexpr std::string_view to_string(wait_error e) noexcept {
  switch (e) {
    case wait_error::timed_out:
      return "timed out";
    case wait_error::peer_gone:
      return "peer gone";
    case wait_error::invalid_state:
      return "invalid state";
    case wait_error::futex_failed:
      return "futex failed";
  }
  return "unknown wait_error";
}

// Thrown by acquire_result::value() when the wait failed.
class wait_failed : public std::runtime_error {
 public:
  explicit wait_failed(wait_error e)
      : std::runtime_error("mailbox: wait failed: " + std::string(to_string(e))), error_(e) {}
  [[nodiscard]] wait_error error() const noexcept { return error_; }

 private:
  wait_error error_;
};

namespace detail {

[[noreturn, gnu::cold]] inline void result_has_no_token(wait_error e) noexcept {
  std::fprintf(stderr,
               "mailbox: the token of a failed wait (%.*s) was used; test the acquire_result first, or "
               "call value(), which throws wait_failed\n",
               static_cast<int>(to_string(e).size()), to_string(e).data());
  std::abort();
}

[[noreturn, gnu::cold]] inline void result_has_no_error() noexcept {
  std::fputs("mailbox: error() of an acquire_result whose wait succeeded; it has a token, not an error\n",
             stderr);
  std::abort();
}

}  // namespace detail

// A token and the state it was acquired in, or the reason there is none;
// shaped like std::expected<Token, wait_error>. The unchecked accessors of
// std::expected (operator*, operator->, error()) are checked here: used on
// the wrong alternative, they abort with a message, because a dereferenced
// failed wait would otherwise write a payload the caller does not own. They
// stay noexcept, as on the token; value() is the accessor that throws.
template <class Token, class State>
class [[nodiscard]] acquire_result {
 public:
  using value_type = Token;
  using error_type = wait_error;

  acquire_result(Token&& t, State s) noexcept : token_(std::move(t)), error_(), state_(s) {}
  acquire_result(wait_error e, State last_seen) noexcept : token_(), error_(e), state_(last_seen) {}

  [[nodiscard]] bool has_value() const noexcept { return token_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  // Why the wait failed; only when it did (aborts when there is a token).
  [[nodiscard]] wait_error error() const noexcept {
    if (token_) detail::result_has_no_error();
    return error_;
  }

  // With a value: the state the token was acquired in (which of several, for
  // acquire_any). Without: the last state seen, for the error message.
  [[nodiscard]] State state() const noexcept { return state_; }

  // The token; abort when the wait failed.
  [[nodiscard]] Token* operator->() noexcept { return &checked(); }
  [[nodiscard]] const Token* operator->() const noexcept { return &checked(); }
  [[nodiscard]] Token& operator*() & noexcept { return checked(); }
  [[nodiscard]] const Token& operator*() const& noexcept { return checked(); }
  [[nodiscard]] Token&& operator*() && noexcept { return std::move(checked()); }

  // The token; throw wait_failed when the wait failed.
  [[nodiscard]] Token& value() & {
    if (!token_) throw wait_failed(error_);
    return *token_;
  }
  [[nodiscard]] const Token& value() const& {
    if (!token_) throw wait_failed(error_);
    return *token_;
  }
  [[nodiscard]] Token value() && {
    if (!token_) throw wait_failed(error_);
    return std::move(*token_);
  }

 private:
  [[nodiscard]] Token& checked() noexcept {
    if (!token_) [[unlikely]]
      detail::result_has_no_token(error_);
    return *token_;
  }
  [[nodiscard]] const Token& checked() const noexcept {
    if (!token_) [[unlikely]]
      detail::result_has_no_token(error_);
    return *token_;
  }

  std::optional<Token> token_;
  wait_error error_;
  State state_;
};

// Counters a waiter can ask a blocking policy to keep (tests, benchmarks).
struct wait_stats {
  std::uint64_t sleeps = 0;    // sleeps: FUTEX_WAIT calls, or the portable backend's sleeps (not its yields)
  std::uint64_t timeouts = 0;  // of which ended by their timeout, not by a wake or a changed word
                               // (every one of the portable backend's)
  int futex_errno = 0;         // why FUTEX_WAIT was refused, with wait_error::futex_failed
};

// Wait policies. Each checks the deadline and the liveness predicate at a
// bounded interval; they differ in what they do between checks. Each has a
// liveness_interval: how often the liveness check is called (the first call
// comes that long after the first spins; zero or less: at every poll).

// Spins with the CPU's pause/yield hint: the lowest wake-up latency, one core
// burnt while waiting.
struct spin {
  std::chrono::nanoseconds liveness_interval = mailbox::liveness_interval;
};

// Spins `spins` times, then calls sched_yield() between polls: the core is
// given to others when they want it, but a lone waiter still burns it.
struct spin_then_yield {
  std::uint32_t spins = 1000;
  std::chrono::nanoseconds liveness_interval = mailbox::liveness_interval;
};

// Spins `spins` times, then sleeps until the state changes. Needs a layout
// with mailbox::blocking_waiters. Works between processes. On the futex
// backend it sleeps in FUTEX_WAIT on the state word (a shared futex) until a
// publish wakes it; on the portable one it yields a few times, then sleeps
// with a doubling backoff and looks at the word after each sleep. Either way
// one sleep lasts at most max_sleep, so a state change is seen within
// max_sleep even when nobody wakes the sleeper (a peer built with the other
// backend, a plain store from another language). A max_sleep of zero or
// less never sleeps: the waiter yields between looks.
struct spin_then_block {
  std::uint32_t spins = 1000;
  wait_stats* stats = nullptr;
  std::chrono::nanoseconds liveness_interval = mailbox::liveness_interval;
  std::chrono::nanoseconds max_sleep = mailbox::max_sleep;
};

template <class P>
concept wait_policy =
    std::same_as<P, spin> || std::same_as<P, spin_then_yield> || std::same_as<P, spin_then_block>;

// Liveness checks: callables returning false once the peer is dead.
template <class F>
concept liveness_check = std::predicate<F&>;

struct always_alive {
  [[nodiscard]] constexpr bool operator()() const noexcept { return true; }
};

// child_alive(pid) and process_alive(pid) are the backend's (wait/futex.hpp,
// wait/portable.hpp): the futex one sees a child's or a process's exit before
// it is reaped, the portable one only once it is.

// Our parent, while it lives: once it dies we are re-parented (to init or a
// subreaper) and getppid() changes.
//
// parent_alive(pid) checks that our parent is still `pid`, taken by the
// parent itself before fork() (getpid()) or passed to us: correct however
// late the worker starts. A parent that died before then is reported dead
// at the first check. (The re-parenting target was alive when the parent
// died, so it cannot have the dead parent's number.)
//
// parent_alive{} records getppid() when it is made: made after the parent
// has died, it watches the new parent and never reports peer_gone. Make it
// only before anyone can die (right after fork(), before anything else).
class parent_alive {
 public:
  parent_alive() noexcept : parent_(::getppid()) {}
  explicit parent_alive(pid_t parent) noexcept : parent_(parent) {}
  [[nodiscard]] bool operator()() const noexcept { return ::getppid() == parent_; }

 private:
  pid_t parent_;
};

namespace detail {

inline void yield_cpu() noexcept { std::this_thread::yield(); }

// `from + interval`, saturated at deadline::max() (a huge interval must not
// overflow into the past); a negative interval counts as zero.
inline deadline later_by(deadline from, std::chrono::nanoseconds interval) noexcept {
  if (interval.count() <= 0) return from;
  if (interval >= deadline::max() - from) return deadline::max();
  return from + interval;
}

// Pure spinning reads the clock only this often: pause costs tens of cycles,
// a steady_clock read through the vDSO about as much as twenty of them.
inline constexpr std::uint32_t spins_between_clock_reads = 256;

// What a policy does between two looks at the clock, once its spins are spent.
enum class between_polls { spin, yield, block };

template <class Policy>
inline constexpr between_polls between_polls_of =
    std::is_same_v<Policy, spin_then_yield>   ? between_polls::yield
    : std::is_same_v<Policy, spin_then_block> ? between_polls::block
                                              : between_polls::spin;

// The waiting loop behind Mailbox::acquire(expected, policy, ...) and
// acquire_any().
//   accept(v):     whether v is a state the caller waits for
//   seen:          the last state loaded
//   load():        acquire-load of the state (mark stripped)
//   is_valid(v):   whether v is a declared state
//   sleep(timeout): one blocking step (between_polls::block only); returns 0,
//                  or the errno of a FUTEX_WAIT the kernel refused (or void)
//   interval:      how often to call alive()
// Returns nothing when an accepted state was seen (the last load saw it, with
// acquire), or the reason to give up.
template <between_polls Between, class State, class Accept, class Load, class IsValid, class Sleep,
          class Liveness>
std::optional<wait_error> wait_for_state(Accept accept, State& seen, std::uint32_t spins, deadline until,
                                         Liveness& alive, Load load, IsValid is_valid, Sleep sleep,
                                         std::chrono::nanoseconds interval = liveness_interval) {
  // The first spins, in bursts between looks at the clock: a burst is the
  // whole of a policy's spins up to spins_between_clock_reads (the pure
  // spin's), so only longer spin counts read the clock here, and however
  // many spins a policy asks for, the deadline ends them.
  for (std::uint32_t done = 0; done < spins;) {
    const std::uint32_t burst = std::min(spins - done, spins_between_clock_reads);
    for (std::uint32_t i = 0; i < burst; ++i) {
      seen = load();
      if (accept(seen)) return std::nullopt;
      if (!is_valid(seen)) return wait_error::invalid_state;
      arch::cpu_relax();
    }
    done += burst;
    if (done < spins && wait_clock::now() >= until) return wait_error::timed_out;
  }
  // Without a liveness check a sleeper wakes only for a publish or the
  // deadline, so a lost wake-up would show as a timeout, not be hidden.
  constexpr bool polls_liveness = !std::is_same_v<Liveness, always_alive>;
  auto next_liveness_check = polls_liveness ? later_by(wait_clock::now(), interval) : deadline::max();
  for (;;) {
    seen = load();
    if (accept(seen)) return std::nullopt;
    if (!is_valid(seen)) return wait_error::invalid_state;
    const auto now = wait_clock::now();
    if (now >= until) return wait_error::timed_out;
    if (now >= next_liveness_check) {
      // A peer that published and then died still handed us the state.
      if (!alive()) {
        seen = load();
        return accept(seen) ? std::nullopt : std::optional(wait_error::peer_gone);
      }
      next_liveness_check = later_by(now, interval);
    }
    if constexpr (Between == between_polls::spin) {
      for (std::uint32_t i = 0; i < spins_between_clock_reads; ++i) {
        arch::cpu_relax();
        seen = load();
        if (accept(seen)) return std::nullopt;
        if (!is_valid(seen)) return wait_error::invalid_state;
      }
    } else if constexpr (Between == between_polls::yield) {
      yield_cpu();
    } else {
      const std::chrono::nanoseconds timeout = std::min(until, next_liveness_check) - now;
      if constexpr (std::is_void_v<decltype(sleep(timeout))>) {
        sleep(timeout);  // a step that cannot fail
      } else if (sleep(timeout) != 0) {
        return wait_error::futex_failed;
      }
    }
  }
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
