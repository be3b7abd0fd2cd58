// Waiting for a state with a policy (spin, spin-then-yield, spin-then-block on
// a cross-process futex), a deadline and a peer-liveness check, so that a dead
// or silent peer ends the wait with an error instead of a hang.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <concepts>
#include <cstdint>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__unix__)
#include <sched.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#include "abi.hpp"
#include "arch.hpp"

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {

using wait_clock = std::chrono::steady_clock;
using deadline = wait_clock::time_point;

// A deadline that never comes.
inline constexpr deadline no_deadline = deadline::max();

// How often a waiter calls its liveness check: a dead peer is noticed within
// about this long (plus the time to return), well under 100 ms.
inline constexpr std::chrono::milliseconds liveness_interval{10};

// Why a wait ended without a token.
enum class wait_error {
  timed_out,      // the deadline passed
  peer_gone,      // the liveness check said the peer is dead
  invalid_state,  // the state word holds a value the layout does not declare
};

[[nodiscard]] constexpr std::string_view to_string(wait_error e) noexcept {
  switch (e) {
    case wait_error::timed_out:
      return "timed out";
    case wait_error::peer_gone:
      return "peer gone";
    case wait_error::invalid_state:
      return "invalid state";
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

// A token and the state it was acquired in, or the reason there is none.
template <class Token, class State>
class [[nodiscard]] acquire_result {
 public:
  acquire_result(Token&& t, State s) noexcept : token_(std::move(t)), error_(), state_(s) {}
  acquire_result(wait_error e, State last_seen) noexcept : token_(), error_(e), state_(last_seen) {}

  [[nodiscard]] bool has_value() const noexcept { return token_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  // Meaningful only without a value.
  [[nodiscard]] wait_error error() const noexcept { return error_; }

  // With a value: the state the token was acquired in (which of several, for
  // acquire_any). Without: the last state seen, for the error message.
  [[nodiscard]] State state() const noexcept { return state_; }

  Token* operator->() noexcept { return &*token_; }
  Token& operator*() & noexcept { return *token_; }

  // The token; throws wait_failed when the wait failed.
  [[nodiscard]] Token value() && {
    if (!token_) throw wait_failed(error_);
    return std::move(*token_);
  }

 private:
  std::optional<Token> token_;
  wait_error error_;
  State state_;
};

// Counters a waiter can ask a blocking policy to keep (tests, benchmarks).
struct wait_stats {
  std::uint64_t sleeps = 0;    // FUTEX_WAIT calls made
  std::uint64_t timeouts = 0;  // of which ended by their timeout, not by a wake or a changed word
};

// Wait policies. Each checks the deadline and the liveness predicate at a
// bounded interval; they differ in what they do between checks.

// Spins with the CPU's pause/yield hint: the lowest wake-up latency, one core
// burnt while waiting.
struct spin {};

// Spins `spins` times, then calls sched_yield() between polls: the core is
// given to others when they want it, but a lone waiter still burns it.
struct spin_then_yield {
  std::uint32_t spins = 1000;
};

// Spins `spins` times, then sleeps in FUTEX_WAIT on the state word until a
// publish wakes it. Needs a layout with mailbox::blocking_waiters. Works
// between processes: the futex is shared (no FUTEX_PRIVATE_FLAG).
struct spin_then_block {
  std::uint32_t spins = 1000;
  wait_stats* stats = nullptr;
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

#if defined(__unix__)
// A child of this process: dead once it has exited or been killed, whether
// or not it was reaped yet (WNOWAIT leaves the zombie for the caller's
// waitpid). Stays "alive" if the pid is not our child: the check cannot tell.
class child_alive {
 public:
  explicit child_alive(pid_t child) noexcept : child_(child) {}
  [[nodiscard]] bool operator()() const noexcept {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(child_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      return errno != ECHILD;  // ECHILD: reaped already, so gone
    }
    return info.si_pid == 0;  // 0: no state change yet
  }

 private:
  pid_t child_;
};

// The process that was our parent when this object was made: once it dies we
// are re-parented (to init or a subreaper), and getppid() changes.
class parent_alive {
 public:
  parent_alive() noexcept : parent_(::getppid()) {}
  [[nodiscard]] bool operator()() const noexcept { return ::getppid() == parent_; }

 private:
  pid_t parent_;
};

// Any process we may signal: dead once kill(pid, 0) fails with ESRCH. A
// zombie still counts as alive; for our own children use child_alive.
class process_alive {
 public:
  explicit process_alive(pid_t pid) noexcept : pid_(pid) {}
  [[nodiscard]] bool operator()() const noexcept { return ::kill(pid_, 0) == 0 || errno != ESRCH; }

 private:
  pid_t pid_;
};
#endif

namespace detail {

#if defined(__linux__)
inline constexpr bool has_futex = true;

// Sleeps while *word == expected, for at most `timeout`. The kernel compares
// and queues atomically with respect to futex_wake() on the same word, so a
// wake between our last look at the word and this call is never lost: the
// comparison fails (EAGAIN) instead. Shared futex: no FUTEX_PRIVATE_FLAG.
// Returns true when the sleep ended by its timeout.
inline bool futex_wait(std::uint32_t* word, std::uint32_t expected,
                       std::chrono::nanoseconds timeout) noexcept {
  if (timeout.count() <= 0) return true;
  timespec relative{};
  relative.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  relative.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  // EINTR, EAGAIN, ETIMEDOUT and spurious wake-ups all mean "look again".
  return ::syscall(SYS_futex, word, FUTEX_WAIT, expected, &relative, nullptr, 0) != 0 && errno == ETIMEDOUT;
}

inline void futex_wake_all(std::uint32_t* word) noexcept {
  (void)::syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}
#else
inline constexpr bool has_futex = false;
#endif

inline void yield_cpu() noexcept {
#if defined(__unix__)
  ::sched_yield();
#endif
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
//   sleep(until):  one blocking step (between_polls::block only)
// Returns nothing when an accepted state was seen (the last load saw it, with
// acquire), or the reason to give up.
template <between_polls Between, class State, class Accept, class Load, class IsValid, class Sleep,
          class Liveness>
std::optional<wait_error> wait_for_state(Accept accept, State& seen, std::uint32_t spins, deadline until,
                                         Liveness& alive, Load load, IsValid is_valid, Sleep sleep) {
  for (std::uint32_t i = 0; i < spins; ++i) {
    seen = load();
    if (accept(seen)) return std::nullopt;
    if (!is_valid(seen)) return wait_error::invalid_state;
    arch::cpu_relax();
  }
  // Without a liveness check a sleeper wakes only for a publish or the
  // deadline, so a lost wake-up would show as a timeout, not be hidden.
  constexpr bool polls_liveness = !std::is_same_v<Liveness, always_alive>;
  auto next_liveness_check = polls_liveness ? wait_clock::now() + liveness_interval : deadline::max();
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
      next_liveness_check = now + liveness_interval;
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
      sleep(std::min(until, next_liveness_check) - now);
    }
  }
}

}  // namespace detail

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
