// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The ways two parties can hand a payload back and forth, each over a region
// of memory it does not own (a local buffer for threads, a MAP_SHARED mapping
// for processes). Every channel runs the same request/reply: the pinger writes
// the whole request and hands it over, the ponger waits for it, reads it
// whole, writes the whole reply and hands it back, the pinger waits for the
// reply and reads it whole. They differ only in how a turn is waited for and
// handed over. Each round trip starts and ends with the turn at the pinger,
// so channels over separate regions can take turns within one run (see
// interleaved.hpp).
//
// A channel provides
//   static constexpr std::string_view name;       the variant's name
//   static constexpr bool spins;                  waits by spinning (no system call)
//   static constexpr bool shares_buffers;         optional: its memory is only the turn
//                                                 word at 0 and the payload (interleaved.hpp)
//   static constexpr std::size_t size;            bytes of region it needs
//   static void initialize(std::span<std::byte>); first-touch, first state, descriptors
//   static void destroy(std::span<std::byte>);
//   channel(std::span<std::byte>, side);          one side's view
//   template <class Fill, class Check> void request(Fill&&, Check&&);   the pinger
//   template <class Body> void serve(Body&&);                           the ponger
// where fill, check and body get the payload as std::span<std::uint64_t, words>.
#pragma once

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <mailbox/mailbox.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>

namespace bench {

enum class turn : std::uint32_t { pinger, ponger };

// Which end of a channel a view is.
enum class side { pinger, ponger };

inline constexpr std::size_t cache_line = 64;

// The spin-wait hint a careful hand-written loop uses: the same one the
// library's acquire() uses, so only the ordered accesses differ.
[[gnu::always_inline]] inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

template <std::size_t Bytes>
using payload_span = std::span<std::uint64_t, Bytes / 8>;

// --- the library ------------------------------------------------------------

// The library's two layouts for the request/reply: the default (the state
// word at offset 0, the payload right after it: one cache line with the state
// for payloads up to 56 bytes), and with mailbox::state_on_own_cache_line
// (the payload from the next line on).
template <std::size_t Bytes, bool StateOnOwnLine>
using mailbox_layout_for = std::conditional_t<
    StateOnOwnLine,
    mailbox::layout<mailbox::state<"turn", turn>, mailbox::field<"payload", std::uint64_t[Bytes / 8]>,
                    mailbox::state_on_own_cache_line>,
    mailbox::layout<mailbox::state<"turn", turn>, mailbox::field<"payload", std::uint64_t[Bytes / 8]>>>;

template <std::size_t Bytes, bool StateOnOwnLine = false>
class mailbox_channel {
  using layout = mailbox_layout_for<Bytes, StateOnOwnLine>;

 public:
  static constexpr std::string_view name = StateOnOwnLine ? "mailbox_state_on_own_cache_line" : "mailbox";
  static constexpr bool spins = true;
  static constexpr bool shares_buffers = true;
  static constexpr std::size_t size = layout::size;

  static void initialize(std::span<std::byte> region) {
    (void)mailbox::Mailbox<layout>::initialize(region, turn::pinger);
  }
  static void destroy(std::span<std::byte>) noexcept {}

  mailbox_channel(std::span<std::byte> region, side) : box_(region) {}

  template <class Fill, class Check>
  [[gnu::always_inline]] void request(Fill&& fill, Check&& check) {
    {
      // The turn is ours between round trips: this acquire sees it at once.
      auto token = box_.acquire(turn::pinger);
      fill(payload_of(token));
      std::move(token).publish(turn::ponger);
    }
    // Dropping the token leaves the turn here for the next request.
    auto token = box_.acquire(turn::pinger);
    check(payload_of(token));
  }

  template <class Body>
  [[gnu::always_inline]] void serve(Body&& body) {
    auto token = box_.acquire(turn::ponger);
    body(payload_of(token));
    std::move(token).publish(turn::pinger);
  }

 private:
  // The bodies take a std::span: checked against the token once, here.
  template <class Token>
  [[gnu::always_inline]] static payload_span<Bytes> payload_of(Token& token) {
    return payload_span<Bytes>(token.template span<"payload">());
  }

  mailbox::Mailbox<layout> box_;
};

// --- hand-written: a turn word and the payload ---------------------------------

// The same bytes as mailbox_channel's one-line layout: a 4-byte turn at 0, the
// payload at 8.
template <std::size_t Bytes>
struct alignas(cache_line) plain_block {
  turn state;
  std::uint64_t payload[Bytes / 8];
};

// The request/reply written by hand over a plain_block. Waiting says how a
// side waits for its turn and hands it over:
//   static constexpr std::string_view name;
//   static constexpr bool spins;
//   static void wait_for(turn& word, turn mine);   returns once the word holds `mine`
//   static void give(turn& word, turn next);       stores `next` for the other side
// where wait_for's load pairs with the other side's store in give(): the
// payload written before give() is visible once wait_for() returns.
// The spinning ones share the interleaved run's buffers.
template <std::size_t Bytes, class Waiting>
class turn_word_channel {
  using block = plain_block<Bytes>;

 public:
  static constexpr std::string_view name = Waiting::name;
  static constexpr bool spins = Waiting::spins;
  static constexpr bool shares_buffers = Waiting::spins;
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) {
    auto* b = ::new (region.data()) block{};
    std::atomic_ref<turn>(b->state).store(turn::pinger, std::memory_order_release);
  }
  static void destroy(std::span<std::byte>) noexcept {}

  turn_word_channel(std::span<std::byte> region, side)
      : block_(std::launder(reinterpret_cast<block*>(region.data()))) {}

  template <class Fill, class Check>
  [[gnu::always_inline]] void request(Fill&& fill, Check&& check) {
    Waiting::wait_for(block_->state, turn::pinger);
    fill(payload_span<Bytes>(block_->payload));
    Waiting::give(block_->state, turn::ponger);
    Waiting::wait_for(block_->state, turn::pinger);
    check(payload_span<Bytes>(block_->payload));
  }

  template <class Body>
  [[gnu::always_inline]] void serve(Body&& body) {
    Waiting::wait_for(block_->state, turn::ponger);
    body(payload_span<Bytes>(block_->payload));
    Waiting::give(block_->state, turn::pinger);
  }

 private:
  block* block_;
};

// Spinning on std::atomic_ref. With acquire/release this is the floor: the
// cheapest correct way to write the protocol by hand. With seq_cst it is
// what `std::atomic<T>` gives by default. Control names a second, identical
// floor: interleaved with the first, how far their ratio strays from 1 is the
// method's own noise.
template <std::memory_order Load, std::memory_order Store, bool Control = false>
struct atomic_ref_waiting {
  static constexpr std::string_view name =
      Store == std::memory_order_seq_cst ? "seq_cst" : (Control ? "floor_control" : "floor");
  static constexpr bool spins = true;
  [[gnu::always_inline]] static void wait_for(turn& word, turn mine) noexcept {
    while (std::atomic_ref<turn>(word).load(Load) != mine) spin_pause();
  }
  [[gnu::always_inline]] static void give(turn& word, turn next) noexcept {
    std::atomic_ref<turn>(word).store(next, Store);
  }
};

template <std::size_t Bytes>
using floor_channel =
    turn_word_channel<Bytes, atomic_ref_waiting<std::memory_order_acquire, std::memory_order_release>>;
template <std::size_t Bytes>
using floor_control_channel =
    turn_word_channel<Bytes, atomic_ref_waiting<std::memory_order_acquire, std::memory_order_release, true>>;
template <std::size_t Bytes>
using seq_cst_channel =
    turn_word_channel<Bytes, atomic_ref_waiting<std::memory_order_seq_cst, std::memory_order_seq_cst>>;

// A futex wake per message: the waiter sleeps in the kernel until woken; the
// sender stores the turn and always makes a FUTEX_WAKE system call. Private
// futexes between threads, shared ones between processes.
template <bool BetweenProcesses>
struct futex_waiting {
  static constexpr std::string_view name = "futex";
  static constexpr bool spins = false;
  static constexpr int private_flag = BetweenProcesses ? 0 : FUTEX_PRIVATE_FLAG;
  static void wait_for(turn& word, turn mine) noexcept {
    for (turn seen; (seen = std::atomic_ref<turn>(word).load(std::memory_order_acquire)) != mine;) {
      // Sleeps only if the word still holds `seen`, so a wake between the
      // load and the call is not lost.
      ::syscall(SYS_futex, &word, FUTEX_WAIT | private_flag, static_cast<std::uint32_t>(seen), nullptr,
                nullptr, 0);
    }
  }
  static void give(turn& word, turn next) noexcept {
    std::atomic_ref<turn>(word).store(next, std::memory_order_release);
    ::syscall(SYS_futex, &word, FUTEX_WAKE | private_flag, 1, nullptr, nullptr, 0);
  }
};

template <std::size_t Bytes, bool BetweenProcesses>
using futex_channel = turn_word_channel<Bytes, futex_waiting<BetweenProcesses>>;

// --- a mutex and a condition variable -------------------------------------------------

// The turn and the payload under a lock; the side that hands the turn over
// signals the condition variable. Lock is the mutex and condition variable:
//   struct sync;                      the mutex and the condition variable
//   static void open(sync&), close(sync&);
//   static void lock(sync&), unlock(sync&), wait(sync&), signal(sync&);
// where wait() is called with the lock held and returns with it held.
template <std::size_t Bytes, class Lock>
class locked_channel {
  struct block {
    typename Lock::sync sync;
    turn state;
    alignas(cache_line) std::uint64_t payload[Bytes / 8];
  };

 public:
  static constexpr std::string_view name = "mutex_condvar";
  static constexpr bool spins = false;
  static constexpr std::size_t size = sizeof(block);

  static void initialize(std::span<std::byte> region) {
    block* b = ::new (region.data()) block{};
    Lock::open(b->sync);
    b->state = turn::pinger;
  }
  static void destroy(std::span<std::byte> region) noexcept {
    block* b = std::launder(reinterpret_cast<block*>(region.data()));
    Lock::close(b->sync);
    b->~block();
  }

  locked_channel(std::span<std::byte> region, side)
      : block_(std::launder(reinterpret_cast<block*>(region.data()))) {}

  template <class Fill, class Check>
  void request(Fill&& fill, Check&& check) {
    handoff(turn::pinger, turn::ponger, fill);
    Lock::lock(block_->sync);
    while (block_->state != turn::pinger) Lock::wait(block_->sync);
    check(payload_span<Bytes>(block_->payload));
    Lock::unlock(block_->sync);
  }

  template <class Body>
  void serve(Body&& body) {
    handoff(turn::ponger, turn::pinger, body);
  }

 private:
  template <class Body>
  void handoff(turn mine, turn next, Body& body) {
    Lock::lock(block_->sync);
    while (block_->state != mine) Lock::wait(block_->sync);
    body(payload_span<Bytes>(block_->payload));
    block_->state = next;
    Lock::unlock(block_->sync);
    Lock::signal(block_->sync);
  }

  block* block_;
};

// std::mutex + std::condition_variable, between threads.
struct std_mutex_lock {
  struct sync {
    std::mutex mutex;
    std::condition_variable changed;
  };
  static void open(sync&) noexcept {}
  static void close(sync&) noexcept {}
  static void lock(sync& s) { s.mutex.lock(); }
  static void unlock(sync& s) { s.mutex.unlock(); }
  static void wait(sync& s) {
    std::unique_lock held(s.mutex, std::adopt_lock);
    s.changed.wait(held);
    (void)held.release();  // still locked: the caller unlocks
  }
  static void signal(sync& s) noexcept { s.changed.notify_one(); }
};

// Process-shared pthread_mutex_t + pthread_cond_t: std::mutex cannot be
// shared between processes; this is what C and C++ code uses instead.
struct pshared_mutex_lock {
  struct sync {
    pthread_mutex_t mutex;
    pthread_cond_t changed;
  };
  static void open(sync& s) noexcept {
    pthread_mutexattr_t mutex_attributes;
    ::pthread_mutexattr_init(&mutex_attributes);
    ::pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED);
    ::pthread_mutex_init(&s.mutex, &mutex_attributes);
    ::pthread_mutexattr_destroy(&mutex_attributes);
    pthread_condattr_t cond_attributes;
    ::pthread_condattr_init(&cond_attributes);
    ::pthread_condattr_setpshared(&cond_attributes, PTHREAD_PROCESS_SHARED);
    ::pthread_cond_init(&s.changed, &cond_attributes);
    ::pthread_condattr_destroy(&cond_attributes);
  }
  static void close(sync& s) noexcept {
    ::pthread_cond_destroy(&s.changed);
    ::pthread_mutex_destroy(&s.mutex);
  }
  static void lock(sync& s) noexcept { ::pthread_mutex_lock(&s.mutex); }
  static void unlock(sync& s) noexcept { ::pthread_mutex_unlock(&s.mutex); }
  static void wait(sync& s) noexcept { ::pthread_cond_wait(&s.changed, &s.mutex); }
  static void signal(sync& s) noexcept { ::pthread_cond_signal(&s.changed); }
};

template <std::size_t Bytes>
using mutex_channel = locked_channel<Bytes, std_mutex_lock>;
template <std::size_t Bytes>
using pshared_mutex_channel = locked_channel<Bytes, pshared_mutex_lock>;

}  // namespace bench
