// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// A Relacy model of the blocking wake-up protocol of layouts that declare
// mailbox::blocking_waiters (include/mailbox/view.hpp: Mailbox::block_on and
// detail::publish_blocking_state), checked under the C++ memory model with
// every interleaving Relacy explores.
//
//   futex_protocol protocol   the library's protocol: must pass (no deadlock,
//                             which is how a lost wake-up shows, and no data
//                             race on the payload)
//   futex_protocol control    the classic broken protocol (a separate
//                             "waiters" flag, no fence): Relacy must find the
//                             lost wake-up, or the model proves nothing
//
// The model mirrors the code line by line; it cannot include it (Relacy
// needs its own atomic types), so a change to one must be made to the other.
// RL_INFO is Relacy's "$" (the call site), spelled out for -Wpedantic.
#include <relacy/relacy.hpp>

#include <cstdio>
#include <cstring>

namespace {

constexpr unsigned waiter_mark = 1u << 31;
constexpr unsigned ping = 0;
constexpr unsigned pong = 1;
constexpr int rounds = 2;

// FUTEX_WAIT / FUTEX_WAKE as the kernel documents them: FUTEX_WAIT compares
// the word with the expected value and queues the caller atomically with
// respect to FUTEX_WAKE on the same word (both hold the hash-bucket lock).
// A real FUTEX_WAIT may also return spuriously; both protocols loop anyway.
struct futex_model {
  rl::mutex bucket;
  rl::condition_variable queue;
  rl::var<unsigned> wakes;

  void wait(rl::atomic<unsigned>& word, unsigned expected) {
    bucket.lock(RL_INFO);
    if (word(RL_INFO).load(rl::mo_seq_cst) == expected) {
      const unsigned seen = wakes(RL_INFO);
      while (wakes(RL_INFO) == seen) queue.wait(bucket, RL_INFO);
    }
    bucket.unlock(RL_INFO);
  }

  void wake_all() {
    bucket.lock(RL_INFO);
    wakes(RL_INFO) = wakes(RL_INFO) + 1;
    queue.notify_all(RL_INFO);
    bucket.unlock(RL_INFO);
  }
};

// The library's protocol: the waiter's mark lives in the state word.
struct library_protocol : rl::test_suite<library_protocol, 2> {
  rl::atomic<unsigned> word;
  rl::var<unsigned> payload;
  futex_model futex;

  void before() {
    word(RL_INFO) = ping;
    payload(RL_INFO) = 0;
    futex.wakes(RL_INFO) = 0;
  }

  // Mailbox::acquire(expected, spin_then_block{.spins = 0}) with no deadline.
  void acquire(unsigned expected) {
    for (;;) {
      unsigned seen = word(RL_INFO).load(rl::mo_acquire);
      if ((seen & ~waiter_mark) == expected) return;
      if (!(seen & waiter_mark)) {
        // Pairs with the exchange in publish(): one RMW on the word is first.
        if (!word(RL_INFO).compare_exchange_strong(seen, seen | waiter_mark, rl::mo_relaxed)) continue;
        seen |= waiter_mark;
      }
      futex.wait(word, seen);
    }
  }

  // publish(next) of a blocking layout.
  void publish(unsigned next) {
    const unsigned old = word(RL_INFO).exchange(next, rl::mo_release);
    if (old & waiter_mark) futex.wake_all();
  }

  void thread(unsigned index) {
    for (int n = 1; n <= rounds; ++n) {
      if (index == 0) {
        acquire(ping);
        payload(RL_INFO) = static_cast<unsigned>(n);  // a data race unless acquire/release order it
        publish(pong);
      } else {
        acquire(pong);
        RL_ASSERT(payload(RL_INFO) == static_cast<unsigned>(n));
        publish(ping);
      }
    }
  }
};

// The bug the design avoids: "I sleep" in a second location, checked by the
// publisher after a plain release store. Store-load reordering lets each side
// miss the other's store, and the sleeper is never woken.
struct flag_protocol : rl::test_suite<flag_protocol, 2> {
  rl::atomic<unsigned> word;
  rl::atomic<unsigned> waiters;
  rl::var<unsigned> payload;
  futex_model futex;

  void before() {
    word(RL_INFO) = ping;
    waiters(RL_INFO) = 0;
    payload(RL_INFO) = 0;
    futex.wakes(RL_INFO) = 0;
  }

  void acquire(unsigned expected) {
    for (;;) {
      if (word(RL_INFO).load(rl::mo_acquire) == expected) return;
      waiters(RL_INFO).store(1, rl::mo_release);
      const unsigned seen = word(RL_INFO).load(rl::mo_acquire);
      if (seen == expected) return;
      futex.wait(word, seen);
    }
  }

  void publish(unsigned next) {
    word(RL_INFO).store(next, rl::mo_release);
    if (waiters(RL_INFO).exchange(0, rl::mo_acq_rel)) futex.wake_all();
  }

  void thread(unsigned index) {
    for (int n = 1; n <= rounds; ++n) {
      if (index == 0) {
        acquire(ping);
        payload(RL_INFO) = static_cast<unsigned>(n);
        publish(pong);
      } else {
        acquire(pong);
        RL_ASSERT(payload(RL_INFO) == static_cast<unsigned>(n));
        publish(ping);
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bool control = argc > 1 && std::strcmp(argv[1], "control") == 0;
  rl::test_params params;
  params.iteration_count = 200000;
  params.search_type = rl::random_scheduler_type;
  if (!control) {
    const bool ok = rl::simulate<library_protocol>(params);
    std::printf("library protocol: %s after %llu iterations\n", ok ? "no lost wake-up, no race" : "FAILED",
                static_cast<unsigned long long>(params.stop_iteration ? params.stop_iteration
                                                                      : params.iteration_count));
    return ok ? 0 : 1;
  }
  const bool ok = rl::simulate<flag_protocol>(params);
  std::printf("control (flag in a second word): %s\n",
              ok ? "NOT caught: the model cannot see lost wake-ups" : "lost wake-up caught, as it must be");
  return ok ? 1 : 0;
}
